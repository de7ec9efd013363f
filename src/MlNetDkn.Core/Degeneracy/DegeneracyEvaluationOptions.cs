namespace MlNetDkn.Degeneracy;

/// <summary>Options of the subset-suppression evaluation (method.md §3.6, §8 "Cost").</summary>
public sealed record DegeneracyEvaluationOptions
{
    /// <summary>With n ≤ this many components every proper subset is evaluated (2^n − 2 of them).</summary>
    public int ExhaustiveLimit { get; init; } = 10;

    /// <summary>Above the limit: at most this many distinct subsets per size (all of a size when it has
    /// fewer).</summary>
    public int SamplesPerSize { get; init; } = 64;

    /// <summary>Seed of the subset sampler, so a sampled evaluation repeats exactly.</summary>
    public int Seed { get; init; } = 0;
}
