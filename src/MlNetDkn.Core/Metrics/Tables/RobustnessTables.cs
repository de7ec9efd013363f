using System.Globalization;
using System.Text;
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
        R2Queries = "r2_queries", R2Summary = "r2_summary", R1Report = "r1_report.md", R2Report = "r2_report.md";

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
        File.WriteAllText(report, SuppressionReport(metrics, records.Count));
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
        Add(MetricTableRecords.WriteRecords(PerturbationRows(records), folder, Perturbations, metadata));
        foreach (var route in metrics.Summary.Select(s => s.Route).Distinct())
        {
            var bars = metrics.Summary.Where(s => s.Route == route && BarConditions.Contains(s.Condition))
                .Select(s => new BarValue(s.Kind, s.Condition, 100 * s.Accuracy, 100 * s.AccuracyCiLow, 100 * s.AccuracyCiHigh, s.Queries)).ToList();
            files.Add(ConditionBarsPlot.Save(bars, $"R2: enhancement (×2) on failed perturbed queries ({route})",
                "accuracy after enhancement (%), 95 % Wilson CI", Path.Combine(folder, $"r2_{route}.png")));
        }
        var report = Path.Combine(folder, R2Report);
        File.WriteAllText(report, EnhancementReport(metrics));
        files.Add(report);
        return (files, metrics);
    }

    static string F(double v, string format = "0.##") => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);
    static string Ci(double lo, double hi, string format = "0.##") => double.IsNaN(lo) ? "" : $" [{F(lo, format)}, {F(hi, format)}]";

    static string SuppressionReport(SuppressionMetrics m, int facts)
    {
        var s = new StringBuilder();
        s.AppendLine("## R1: suppressing DKNs under perturbed queries").AppendLine();
        s.AppendLine($"{facts} facts. ΔP (%) is the authors' measure, 100·(mean P_c(Q*) − mean P_c(Q))/mean P_c(Q) over all facts with a DKN " +
                     "(for \"none\": the unmodified model), with a 95 % bootstrap interval; the interaction is [P_c(Q*) − P_c(Q)] − [P(Q*) − P(Q)] " +
                     "in log P per fact, mean with 95 % bootstrap interval. \"authors' filter\" is their outcome-filtered mean, for comparison only.").AppendLine();
        s.AppendLine("| route | kind | condition | facts | ΔP % | interaction log P | authors' filter ΔP % (facts) |");
        s.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in m.Summary)
            s.AppendLine($"| {r.Route} | {r.Kind} | {r.Condition} | {r.Facts} | {F(r.ChangePercent)}{Ci(r.ChangePercentCiLow, r.ChangePercentCiHigh)} | " +
                         $"{F(r.InteractionLogP, "0.###")}{Ci(r.InteractionLogPCiLow, r.InteractionLogPCiHigh, "0.###")} | {F(r.AuthorsFilteredChangePercent)} ({r.AuthorsFilteredFactsPerturbed}) |");
        s.AppendLine().AppendLine("Paired contrasts (per fact, interaction in log P; two-sided paired t-test):").AppendLine();
        s.AppendLine("| route | kind | contrast | facts | mean difference | p |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var c in m.Contrasts)
            s.AppendLine($"| {c.Route} | {c.Kind} | {c.Contrast} | {c.Facts} | {F(c.MeanDifferenceLogP, "0.###")}{Ci(c.CiLow, c.CiHigh, "0.###")} | {F(c.PValue, "0.####")} |");
        s.AppendLine().AppendLine("The authors' reported ΔP (%) (DKN / KN / random / none):").AppendLine();
        s.AppendLine("| model | route | replace | add | delete |").AppendLine("|---|---|---|---|---|");
        foreach (var ((model, route), kinds) in AuthorsReported.Suppression)
            s.AppendLine($"| {model} | {route} | {string.Join(" / ", kinds["replace"])} | {string.Join(" / ", kinds["add"])} | {string.Join(" / ", kinds["delete"])} |");
        s.AppendLine().AppendLine($"What differs in protocol: {AuthorsReported.SuppressionProtocol} Here every condition is computed, over every fact " +
                                  "with a DKN, on the same perturbed prompts, with matched random controls and intervals.").AppendLine();
        return s.ToString();
    }

    static string EnhancementReport(EnhancementMetrics m)
    {
        var s = new StringBuilder();
        s.AppendLine("## R2: enhancing DKNs on perturbed queries the model fails").AppendLine();
        s.AppendLine($"{m.FactsSelected} of {m.FactsSeen} facts are answered on the clean prompt and fail on at least one perturbed prompt " +
                     "(selected on the unmodified model). Accuracy: greedy answer equals the gold tokens after ×2, k/n with a 95 % Wilson interval; " +
                     "collateral: log P change on the clean prompt and on unrelated facts.").AppendLine();
        s.AppendLine("| route | kind | condition | queries | accuracy % | Δ log P | clean Δ log P | unrelated Δ log P | unrelated Δ accuracy |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in m.Summary)
            s.AppendLine($"| {r.Route} | {r.Kind} | {r.Condition} | {r.Queries} | {F(100 * r.Accuracy, "0.#")}{Ci(100 * r.AccuracyCiLow, 100 * r.AccuracyCiHigh, "0.#")} | " +
                         $"{F(r.DeltaLogP, "0.###")}{Ci(r.DeltaLogPCiLow, r.DeltaLogPCiHigh, "0.###")} | {F(r.CleanDeltaLogP, "0.###")} | {F(r.UnrelatedDeltaLogP, "0.###")} | {F(r.UnrelatedAccuracyChange, "0.###")} |");
        s.AppendLine().AppendLine("The authors' reported accuracy (%) (DKN / KN / random):").AppendLine();
        s.AppendLine("| model | route | replace | add | delete |").AppendLine("|---|---|---|---|---|");
        foreach (var ((model, route), kinds) in AuthorsReported.Enhancement)
            s.AppendLine($"| {model} | {route} | {string.Join(" / ", kinds["replace"])} | {string.Join(" / ", kinds["add"])} | {string.Join(" / ", kinds["delete"])} |");
        s.AppendLine().AppendLine($"What differs in protocol: {AuthorsReported.EnhancementProtocol} Here the score is teacher-forced (greedy on the gold tokens), " +
                                  "every condition is computed, and collateral change is measured.").AppendLine();
        return s.ToString();
    }
}
