using MlNetDkn.Experiments.Robustness;
using MlNetDkn.Metrics.Plots;
using MlNetDkn.Metrics.Reports;

namespace MlNetDkn.Metrics.Tables;

/// <summary>Every perturbed prompt an experiment used (what was hit, whether it was the subject).</summary>
public sealed class PerturbationRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public int Index { get; init; }
    public string Kind { get; init; } = "";
    public string Clean { get; init; } = "";
    public string Perturbed { get; init; } = "";
    public int WordIndex { get; init; }
    public string? Word { get; init; }
    public string? Replacement { get; init; }
    public bool HitsSubject { get; init; }
    public bool Changed { get; init; }
}

/// <summary>The tables, plots and report sections of R1 and R2 (snake_case columns, Parquet + CSV).</summary>
public static class RobustnessTables
{
    public const string R1Facts = "r1_facts", R1Summary = "r1_summary", R1Contrasts = "r1_contrasts", Perturbations = "perturbations",
        R2Queries = "r2_queries", R2Summary = "r2_summary", R2Contrasts = "r2_contrasts", R1Report = "r1_report.md", R2Report = "r2_report.md";

    static readonly string[] BarConditions = ["dkn", "kn", "random-dkn", "none"];

    public static List<PerturbationRow> PerturbationRows(IEnumerable<PerturbedQueryRecord> records) => records.SelectMany(r => r.Perturbations.Select(p => new PerturbationRow
    {
        FactId = r.FactId, RelationId = r.RelationId, Index = p.Index, Kind = p.Kind, Clean = r.Clean, Perturbed = p.Prompt,
        WordIndex = p.WordIndex, Word = p.Word, Replacement = p.Replacement, HitsSubject = p.HitsSubject, Changed = p.Changed,
    })).ToList();

    public static (IReadOnlyList<string> Files, SuppressionMetrics Metrics) WriteSuppression(IReadOnlyList<PerturbedQueryRecord> records, string folder,
        IReadOnlyDictionary<string, string> metadata, int seed, double valueCutoff, double weightCutoff)
    {
        var metrics = SuppressionMetrics.Compute(records, seed, valueCutoff, weightCutoff);
        var files = new List<string>();
        void Add((string Parquet, string Csv) p) => files.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(metrics.Facts, folder, R1Facts, metadata));
        Add(MetricTableRecords.WriteRecords(metrics.Summary, folder, R1Summary, metadata));
        Add(MetricTableRecords.WriteRecords(metrics.Contrasts, folder, R1Contrasts, metadata));
        Add(MetricTableRecords.WriteRecords(PerturbationRows(records), folder, Perturbations, metadata));
        foreach (var route in metrics.Summary.Select(s => s.Route).Distinct())
        {
            var bars = metrics.Summary.Where(s => s.Route == route && BarConditions.Contains(s.Condition))
                .Select(s => new BarValue(s.Kind, s.Condition, s.ChangePercent, s.ChangePercentCiLow, s.ChangePercentCiHigh, s.Facts)).ToList();
            files.Add(ConditionBarsPlot.Save(bars, $"R1: suppression under perturbed queries ({route})",
                "ΔP (%) = 100·(P_c(Q*) − P_c(Q))/P_c(Q), 95 % bootstrap CI", Path.Combine(folder, $"r1_{route}.png")));
        }
        var report = Path.Combine(folder, R1Report);
        File.WriteAllText(report, RobustnessReports.Suppression(metrics, records.Count));
        files.Add(report);
        return (files, metrics);
    }

    public static (IReadOnlyList<string> Files, EnhancementMetrics Metrics) WriteEnhancement(IReadOnlyList<PerturbedQueryRecord> records, string folder,
        IReadOnlyDictionary<string, string> metadata, int seed)
    {
        var metrics = EnhancementMetrics.Compute(records, seed);
        var files = new List<string>();
        void Add((string Parquet, string Csv) p) => files.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(metrics.Units, folder, R2Queries, metadata));
        Add(MetricTableRecords.WriteRecords(metrics.Summary, folder, R2Summary, metadata));
        Add(MetricTableRecords.WriteRecords(metrics.Contrasts, folder, R2Contrasts, metadata));
        Add(MetricTableRecords.WriteRecords(PerturbationRows(records), folder, Perturbations, metadata));
        foreach (var route in metrics.Summary.Select(s => s.Route).Distinct())
        {
            var bars = metrics.Summary.Where(s => s.Route == route && BarConditions.Contains(s.Condition))
                .Select(s => new BarValue(s.Kind, s.Condition, 100 * s.Accuracy, 100 * s.AccuracyCiLow, 100 * s.AccuracyCiHigh, s.Queries)).ToList();
            files.Add(ConditionBarsPlot.Save(bars, $"R2: enhancement (×2) on failed perturbed queries ({route})",
                "accuracy after enhancement (%), 95 % Wilson CI over queries", Path.Combine(folder, $"r2_{route}.png")));
        }
        var report = Path.Combine(folder, R2Report);
        File.WriteAllText(report, RobustnessReports.Enhancement(metrics));
        files.Add(report);
        return (files, metrics);
    }
}
