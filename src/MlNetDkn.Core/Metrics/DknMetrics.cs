using MlNetDkn.Degeneracy;

namespace MlNetDkn.Metrics;

/// <summary>One method over a run's facts: how often it finds a DKN and what suppressing its parts does.</summary>
/// <param name="FactsWithDkn">Facts whose DKN has at least two components.</param>
/// <param name="SingleComponentSets">Facts whose accepted set has one component (lenient rule only): not a DKN.</param>
/// <param name="ProperSubsetChange">Per fact, the mean relative change over all evaluated proper subsets; then over
/// facts.</param>
/// <param name="FullSetChange">The relative change with the whole DKN suppressed, over facts.</param>
/// <param name="RecheckHolds">DKNs that held when re-checked by full recomputation, of
/// <paramref name="Rechecked"/>.</param>
public sealed record DknMethodMetrics(
    string Method,
    int Facts,
    int FactsWithDkn,
    int SingleComponentSets,
    Distribution ComponentsPerDkn,
    Distribution ProperSubsetChange,
    Distribution FullSetChange,
    int Rechecked,
    int RecheckHolds
)
{
    /// <summary>Candidate clusters per fact, over every fact (what the method proposed before the check).</summary>
    public Distribution CandidatesPerFact { get; init; } = Distribution.Empty;

    /// <summary>Drop with the strict check's components suppressed together, over the facts where it was measured,
    /// DKN or not.</summary>
    public Distribution JointDrop { get; init; } = Distribution.Empty;

    /// <summary>The worst proper-subset drop, over the facts where the strict check measured it, DKN or not.</summary>
    public Distribution WorstProperSubsetDrop { get; init; } = Distribution.Empty;

    /// <summary>Mean neurons per component, over the DKNs.</summary>
    public Distribution NeuronsPerComponent { get; init; } = Distribution.Empty;

    /// <summary>Distinct layers a DKN's neurons lie in, over the DKNs.</summary>
    public Distribution LayersPerDkn { get; init; } = Distribution.Empty;

    /// <summary>Facts per rejection reason (why the candidates were not a DKN), in the check's words.</summary>
    public IReadOnlyDictionary<string, int> Rejections { get; init; } = new Dictionary<string, int>();

    /// <see cref="FactsWithDkn"/> / <see cref="Facts"/>, in [0, 1]; NaN when there are no facts.
    public double ShareWithDkn => Facts == 0 ? double.NaN : (double)FactsWithDkn / Facts;
}

/// <summary>
/// One point of the degeneracy curve: DKNs with <paramref name="Components"/> components, <paramref name="Suppressed"/>
/// of them suppressed together (Suppressed = Components is the whole DKN). The change is averaged per fact over its
/// subsets of that size, then over facts, with a 95 % interval over facts.
/// </summary>
public sealed record DegeneracyCurvePoint(
    string Method,
    int Components,
    int Suppressed,
    int Facts,
    int Subsets,
    double MeanChange,
    double CiLow,
    double CiHigh
);

/// <summary>
/// The paper's acquisition table, one row per (method, DKN size n): facts whose DKN has n components, the relative
/// change with a proper subset of them suppressed (mean over the fact's subsets, then over facts) and with the whole
/// DKN suppressed, each with a 95 % interval over facts.
/// </summary>
public sealed record DegeneracyBySize(
    string Method,
    int Components,
    int Facts,
    Distribution ProperSubsetChange,
    Distribution FullSetChange
);

/// <summary>The DKN metrics of a run, computed the same way for the CLI tables, the ML.NET Evaluate and the
/// report.</summary>
public sealed record DknMetrics(
    IReadOnlyList<DknMethodMetrics> Methods,
    IReadOnlyList<DegeneracyCurvePoint> Curve,
    IReadOnlyList<DegeneracyBySize> BySize
)
{
    /// <summary>The metrics of the method named <paramref name="method"/> (its enum name); throws when
    /// absent.</summary>
    public DknMethodMetrics this[string method] => Methods.First(m => m.Method == method);

    /// <summary>The metrics of the outcomes, methods in ordinal order of their names.</summary>
    public static DknMetrics Compute(IEnumerable<DknOutcome> outcomes)
    {
        var all = outcomes.ToList();
        var methods = all.GroupBy(o => o.Method)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var dkns = g.Where(o => o.IsMultiComponentDkn).ToList();
                var rechecked = g.Where(o => o.RecheckHolds.HasValue).ToList();
                return new DknMethodMetrics(
                    g.Key,
                    g.Count(),
                    dkns.Count,
                    g.Count(o =>
                        o.Rejection is string r
                        && FunctionalCheck.Rejections.KindOf(r) == FunctionalCheck.Rejections.SingleComponent
                    ),
                    Distribution.Of(dkns.Select(o => (double)o.Components)),
                    Distribution.Of(dkns.Where(o => o.SubsetChanges.Count > 0).Select(o => o.SubsetChanges.Average())),
                    Distribution.Of(dkns.Select(o => o.FullChange)),
                    rechecked.Count,
                    rechecked.Count(o => o.RecheckHolds == true)
                )
                {
                    CandidatesPerFact = Distribution.Of(g.Select(o => (double)o.Candidates)),
                    JointDrop = Distribution.Of(g.Select(o => o.JointDrop).Where(d => !double.IsNaN(d))),
                    WorstProperSubsetDrop = Distribution.Of(
                        g.Select(o => o.WorstProperSubsetDrop).Where(d => !double.IsNaN(d))
                    ),
                    NeuronsPerComponent = Distribution.Of(dkns.Select(o => o.NeuronsPerComponent)),
                    LayersPerDkn = Distribution.Of(dkns.Select(o => (double)o.LayersSpanned)),
                    Rejections = g.Where(o => o.Rejection is not null)
                        .GroupBy(o => FunctionalCheck.Rejections.KindOf(o.Rejection!))
                        .OrderBy(r => r.Key, StringComparer.Ordinal)
                        .ToDictionary(r => r.Key, r => r.Count()),
                };
            })
            .ToList();
        var bySize = all.Where(o => o.IsMultiComponentDkn)
            .GroupBy(o => (o.Method, o.Components))
            .OrderBy(g => g.Key.Method, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Components)
            .Select(g => new DegeneracyBySize(
                g.Key.Method,
                g.Key.Components,
                g.Count(),
                Distribution.Of(g.Where(o => o.SubsetChanges.Count > 0).Select(o => o.SubsetChanges.Average())),
                Distribution.Of(g.Select(o => o.FullChange))
            ))
            .ToList();
        return new DknMetrics(methods, CurveOf(all), bySize);
    }

    static List<DegeneracyCurvePoint> CurveOf(IEnumerable<DknOutcome> outcomes)
    {
        var perFact = outcomes
            .Where(o => o.IsMultiComponentDkn)
            .SelectMany(o =>
                o.SubsetSizes.Zip(o.SubsetChanges)
                    .GroupBy(x => x.First)
                    .Select(s =>
                        (
                            o.Method,
                            o.Components,
                            Size: s.Key,
                            o.FactId,
                            Mean: s.Average(x => x.Second),
                            Count: s.Count()
                        )
                    )
                    .Append((o.Method, o.Components, Size: o.Components, o.FactId, Mean: o.FullChange, Count: 1))
            )
            .Where(x => !double.IsNaN(x.Mean));
        return perFact
            .GroupBy(x => (x.Method, x.Components, x.Size))
            .OrderBy(g => g.Key.Method, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Components)
            .ThenBy(g => g.Key.Size)
            .Select(g =>
            {
                var d = Distribution.Of(g.Select(x => x.Mean));
                return new DegeneracyCurvePoint(
                    g.Key.Method,
                    g.Key.Components,
                    g.Key.Size,
                    d.Count,
                    g.Sum(x => x.Count),
                    d.Mean,
                    d.CiLow,
                    d.CiHigh
                );
            })
            .ToList();
    }
}
