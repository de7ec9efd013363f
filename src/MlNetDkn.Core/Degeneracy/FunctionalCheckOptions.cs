namespace MlNetDkn.Degeneracy;

/// <summary>
/// Options of the functional check that turns candidate clusters into a DKN (method.md §3.3, §8 "Functional filter").
/// </summary>
public sealed record FunctionalCheckOptions
{
    /// <summary>A cluster is a base degenerate component when suppressing it alone drops P by less than this (relative).</summary>
    public double TLow { get; init; } = 0.05;
    /// <summary>Strict: suppressing all components together must drop P by more than this (relative).</summary>
    public double THigh { get; init; } = 0.3;
    /// <summary>Strict: require ≥ MinComponents components and the joint drop &gt; THigh; otherwise the DKN is empty.</summary>
    public bool Strict { get; init; } = true;
    public int MinComponents { get; init; } = 2;
    /// <summary>Clusters of one neuron are not tested (and never become components).</summary>
    public bool SkipSingletons { get; init; } = true;
    /// <summary>With ≤ this many clusters in the input the result is empty without probing (authors: 1).</summary>
    public int MaxClustersForEmpty { get; init; } = 1;
    /// <summary>Accept negative drops (suppression raising P) as "dispensable"; false requires −TLow &lt; drop &lt; TLow.</summary>
    public bool AcceptNegativeDrops { get; init; } = true;

    /// <summary>
    /// The authors' filter_neuron_sets_only_first: ≤ 1 cluster → empty; size-1 clusters skipped; each other cluster kept
    /// when its drop &lt; 0.05 (negative drops too); no ≥ 2 check, no joint check.
    /// </summary>
    public static FunctionalCheckOptions DknAuthorsLenient { get; } = new()
    {
        TLow = 0.05, Strict = false, SkipSingletons = true, MaxClustersForEmpty = 1, AcceptNegativeDrops = true,
    };

    /// <summary>Strict (default): both halves of the functional definition, method.md §3.8.</summary>
    public static FunctionalCheckOptions Default { get; } = new();
}
