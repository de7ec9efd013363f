using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>One suppressed subset of components: their indices (ascending), its size and (P0 − P)/P0.</summary>
public sealed record SubsetDrop(IReadOnlyList<int> ComponentIndices, int Size, double RelativeDrop);

/// <summary>
/// Subset drops of one DKN: every proper non-empty subset (or a seeded sample per size) plus the full set, from one
/// batched probe call. Drops are (P0 − P)/P0, the authors' stored quantity; plots use −drop (method.md §3.6).
/// </summary>
public sealed record DegeneracyEvaluation(
    int ComponentCount,
    double BaselineProbability,
    IReadOnlyList<SubsetDrop> Subsets,
    double FullSetDrop,
    bool Exhaustive
)
{
    /// <summary>Subset drops grouped by subset size, sizes ascending.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<SubsetDrop>> BySize =>
        Subsets
            .GroupBy(s => s.Size)
            .OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SubsetDrop>)g.ToArray());
}

/// <summary>
/// Measures the degeneracy curve of a DKN: the relative drop of every proper subset of its components.
/// </summary>
public static class DegeneracyEvaluator
{
    /// <summary>Evaluates the DKN <paramref name="components"/> (n ≥ 1) with one probe call of |subsets| + 1
    /// sets.</summary>
    public static DegeneracyEvaluation Evaluate(
        IReadOnlyList<IReadOnlyList<Neuron>> components,
        IAnswerProbe probe,
        DegeneracyEvaluationOptions options
    )
    {
        int n = components.Count;
        if (n == 0)
            throw new DknInputException("degeneracy evaluation needs at least one component");
        bool exhaustive = n <= options.ExhaustiveLimit;
        var subsets = exhaustive ? SubsetPlan.All(n) : SubsetPlan.Sampled(n, options.SamplesPerSize, options.Seed);
        var sets = subsets
            .Select(s => (IReadOnlyCollection<Neuron>)Suppression.Union(s.Select(i => components[i])))
            .ToList();
        sets.Add(Suppression.Union(components));
        var drops = Suppression.RelativeDrops(probe, sets);
        var records = subsets.Select((s, i) => new SubsetDrop(s, s.Length, drops[i])).ToArray();
        return new DegeneracyEvaluation(n, probe.BaselineProbability(), records, drops[^1], exhaustive);
    }
}
