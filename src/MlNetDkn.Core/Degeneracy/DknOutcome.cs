namespace MlNetDkn.Degeneracy;

/// <summary>
/// What one method found for one fact, as the metrics need it: whether it is a DKN, its components, and the relative
/// probability change (P_after − P0)/P0 of every evaluated proper subset (by subset size) and of the full set.
/// Built from a stored <see cref="DknRecord"/> or from the DKN stage's ML.NET columns; both give the same values.
/// </summary>
public sealed record DknOutcome(string FactId, string Method, bool IsDkn, int Components,
    IReadOnlyList<int> SubsetSizes, IReadOnlyList<double> SubsetChanges, double FullChange, bool? RecheckHolds)
{
    /// <summary>A DKN in the full sense: at least two components (a one-component "DKN" is only possible under
    /// the authors' lenient rule and is counted apart).</summary>
    public bool IsMultiComponentDkn => IsDkn && Components >= 2;

    public static IEnumerable<DknOutcome> From(DknRecord record) => record.Methods.Select(m => new DknOutcome(
        record.FactId, m.Method, m.IsDkn, m.Components.Length,
        m.Subsets.Select(s => s.Size).ToArray(), m.Subsets.Select(s => -s.RelativeDrop).ToArray(),
        m.FullSetDrop is double full ? -full : double.NaN, m.Recheck?.Holds));
}
