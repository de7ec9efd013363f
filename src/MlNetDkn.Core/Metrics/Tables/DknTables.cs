using MlNetDkn.Degeneracy;
using MlNetDkn.Metrics.Plots;

namespace MlNetDkn.Metrics.Tables;

public sealed class DknFactRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public string Method { get; init; } = "";
    public double BaselineProbability { get; init; }
    public int KnowledgeNeurons { get; init; }
    public int Candidates { get; init; }
    public int Components { get; init; }
    public bool IsDkn { get; init; }
    public double JointDrop { get; init; }
    public double ProperSubsetChange { get; init; }
    public double FullSetChange { get; init; }
    /// <summary>1 held, 0 failed, −1 not re-checked.</summary>
    public int RecheckHolds { get; init; }
    public string ComponentList { get; init; } = "";
}

public sealed class DknSummaryRow
{
    public string Method { get; init; } = "";
    public int Facts { get; init; }
    public int FactsWithDkn { get; init; }
    public double ShareWithDkn { get; init; }
    public int SingleComponentSets { get; init; }
    public double MeanComponents { get; init; }
    public double ProperSubsetChange { get; init; }
    public double ProperSubsetChangeCiLow { get; init; }
    public double ProperSubsetChangeCiHigh { get; init; }
    public double FullSetChange { get; init; }
    public double FullSetChangeCiLow { get; init; }
    public double FullSetChangeCiHigh { get; init; }
    public int Rechecked { get; init; }
    public int RecheckHolds { get; init; }
}

/// <summary>The tables and plots of DKN acquisition over a run's facts (snake_case columns, Parquet + CSV).</summary>
public static class DknTables
{
    public const string FactsTable = "dkn_facts", SummaryTable = "dkn_summary", CurveTable = "degeneracy_curve";

    public static IReadOnlyList<string> Write(IReadOnlyList<DknRecord> records, string folder, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var metrics = DknMetrics.Compute(records.SelectMany(DknOutcome.From));
        var written = new List<string>();
        void Add((string Parquet, string Csv) p) => written.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(FactRows(records), folder, FactsTable, metadata));
        Add(MetricTableRecords.WriteRecords(SummaryRows(metrics), folder, SummaryTable, metadata));
        Add(MetricTableRecords.WriteRecords(metrics.Curve, folder, CurveTable, metadata));
        written.AddRange(DegeneracyCurvePlot.SavePerMethod(metrics.Curve, metrics.Methods.Select(m => m.Method), folder));
        return written;
    }

    public static List<DknFactRow> FactRows(IEnumerable<DknRecord> records) => records.SelectMany(r => r.Methods.Select(m => new DknFactRow
    {
        FactId = r.FactId, RelationId = r.RelationId, Method = m.Method, BaselineProbability = r.BaselineProbability,
        KnowledgeNeurons = r.KnowledgeNeurons.Length, Candidates = m.Candidates.Length, Components = m.Components.Length,
        IsDkn = m.IsDkn, JointDrop = m.JointDrop ?? double.NaN,
        ProperSubsetChange = m.Subsets.Length > 0 ? m.Subsets.Average(s => -s.RelativeDrop) : double.NaN,
        FullSetChange = m.FullSetDrop is double f ? -f : double.NaN,
        RecheckHolds = m.Recheck is null ? -1 : m.Recheck.Holds ? 1 : 0,
        ComponentList = ComponentText(m.Components),
    })).ToList();

    public static List<DknSummaryRow> SummaryRows(DknMetrics metrics) => metrics.Methods.Select(m => new DknSummaryRow
    {
        Method = m.Method, Facts = m.Facts, FactsWithDkn = m.FactsWithDkn, ShareWithDkn = m.ShareWithDkn,
        SingleComponentSets = m.SingleComponentSets, MeanComponents = m.ComponentsPerDkn.Mean,
        ProperSubsetChange = m.ProperSubsetChange.Mean, ProperSubsetChangeCiLow = m.ProperSubsetChange.CiLow, ProperSubsetChangeCiHigh = m.ProperSubsetChange.CiHigh,
        FullSetChange = m.FullSetChange.Mean, FullSetChangeCiLow = m.FullSetChange.CiLow, FullSetChangeCiHigh = m.FullSetChange.CiHigh,
        Rechecked = m.Rechecked, RecheckHolds = m.RecheckHolds,
    }).ToList();

    /// <summary>Components as "l:i;l:i | l:i;l:i".</summary>
    public static string ComponentText(IEnumerable<IEnumerable<Neuron>> components) =>
        string.Join(" | ", components.Select(c => string.Join(";", c)));
}
