namespace MlNetDkn.Degeneracy;

/// <summary>
/// One row of the "Prob Drop vs number of BDCs" summary: facts whose DKN has n components, the mean over all their
/// subsets of the relative change −drop = (P_after − P0)/P0, and the mean full-set change (the authors' sign flip).
/// </summary>
public sealed record DegeneracyByCount(
    int ComponentCount,
    int FactCount,
    int SubsetCount,
    double MeanSubsetChange,
    double MeanFullChange
);

/// <summary>Options of the aggregation; the clips follow plot_degeneracy.py (null: no clipping).</summary>
public sealed record DegeneracyAggregateOptions
{
    /// <summary>Subset values with |change| ≥ this are dropped before averaging (authors, NTC: T/2 with T =
    /// 900).</summary>
    public double? SubsetClip { get; init; }

    /// <summary>Full-set values with |change| ≥ this are dropped (authors, NTC: 2T).</summary>
    public double? FullClip { get; init; }

    /// <summary>The authors' NTC table clipping for threshold T (900 for the LLaMA tables).</summary>
    public static DegeneracyAggregateOptions AuthorsNtc(double t = 900) =>
        new() { SubsetClip = t / 2, FullClip = 2 * t };
}

/// <summary>The "Prob Drop vs number of BDCs" summary over many facts' degeneracy evaluations.</summary>
public static class DegeneracyAggregate
{
    /// <summary>Groups evaluations by n and averages (subset values pooled over the facts of each n). NaN when
    /// empty.</summary>
    public static IReadOnlyList<DegeneracyByCount> ByComponentCount(
        IEnumerable<DegeneracyEvaluation> evaluations,
        DegeneracyAggregateOptions? options = null
    )
    {
        options ??= new();
        static bool Keep(double v, double? clip) => clip is not double c || Math.Abs(v) < c;
        return evaluations
            .GroupBy(e => e.ComponentCount)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var subsets = g.SelectMany(e => e.Subsets)
                    .Select(s => -s.RelativeDrop)
                    .Where(v => Keep(v, options.SubsetClip))
                    .ToArray();
                var full = g.Select(e => -e.FullSetDrop).Where(v => Keep(v, options.FullClip)).ToArray();
                return new DegeneracyByCount(
                    g.Key,
                    g.Count(),
                    subsets.Length,
                    subsets.Length > 0 ? subsets.Average() : double.NaN,
                    full.Length > 0 ? full.Average() : double.NaN
                );
            })
            .ToArray();
    }
}
