namespace MlNetDkn.Degeneracy;

/// <summary>
/// What one method found for one fact, as the metrics need it: whether it is a DKN, its components, and the relative
/// probability change (P_after − P0)/P0 of every evaluated proper subset (by subset size) and of the full set.
/// Built from a stored <see cref="DknRecord"/> or from the DKN stage's ML.NET columns; both give the same values.
/// </summary>
public sealed record DknOutcome(
    string FactId,
    string Method,
    bool IsDkn,
    int Components,
    IReadOnlyList<int> SubsetSizes,
    IReadOnlyList<double> SubsetChanges,
    double FullChange,
    bool? RecheckHolds
)
{
    /// <summary>Candidate clusters the method proposed, before the functional check.</summary>
    public int Candidates { get; init; }

    /// <summary>Drop with every candidate cluster suppressed together, DKN or not (NaN when not measured).</summary>
    public double JointDrop { get; init; } = double.NaN;

    /// <summary>The largest drop of a proper subset under the strict check (NaN when not measured).</summary>
    public double WorstProperSubsetDrop { get; init; } = double.NaN;

    /// <summary>Why the candidates are not a DKN (null when they are, or when not recorded).</summary>
    public string? Rejection { get; init; }

    /// <summary>Mean neurons per component of the DKN (NaN when there is none).</summary>
    public double NeuronsPerComponent { get; init; } = double.NaN;

    /// <summary>Distinct layers the DKN's neurons lie in (0 when there is none).</summary>
    public int LayersSpanned { get; init; }

    /// <summary>The two shape numbers of a list of components.</summary>
    public static (double NeuronsPerComponent, int Layers) Shape(
        IReadOnlyList<IReadOnlyCollection<Neuron>> components
    ) =>
        components.Count == 0
            ? (double.NaN, 0)
            : (components.Average(c => c.Count), components.SelectMany(c => c).Select(n => n.Layer).Distinct().Count());

    /// <summary>A DKN in the full sense: at least two components (a one-component "DKN" is only possible under
    /// the authors' lenient rule and is counted apart).</summary>
    public bool IsMultiComponentDkn => IsDkn && Components >= 2;

    /// <summary>
    /// One outcome per method of a stored record; the changes are the record's relative drops negated (NaN full change
    /// when not evaluated).
    /// </summary>
    public static IEnumerable<DknOutcome> From(DknRecord record) =>
        record.Methods.Select(m => new DknOutcome(
            record.FactId,
            m.Method,
            m.IsDkn,
            m.Components.Length,
            m.Subsets.Select(s => s.Size).ToArray(),
            m.Subsets.Select(s => -s.RelativeDrop).ToArray(),
            m.FullSetDrop is double full ? -full : double.NaN,
            m.Recheck?.Holds
        )
        {
            Candidates = m.Candidates.Length,
            JointDrop = m.JointDrop ?? double.NaN,
            WorstProperSubsetDrop = m.WorstProperSubsetDrop ?? double.NaN,
            Rejection = m.Rejection,
            NeuronsPerComponent = Shape(m.Components).NeuronsPerComponent,
            LayersSpanned = Shape(m.Components).Layers,
        });
}
