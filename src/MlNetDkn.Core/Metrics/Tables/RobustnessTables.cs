using MlNetDkn.Experiments.Robustness;
using MlNetDkn.Metrics.Plots;
using MlNetDkn.Metrics.Reports;

namespace MlNetDkn.Metrics.Tables;

/// <summary>Every perturbed prompt an experiment used (what was hit, whether it was the subject).</summary>
public sealed class PerturbationRow
{
    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public string FactId { get; init; } = "";

    /// <summary>The relation the fact belongs to.</summary>
    public string RelationId { get; init; } = "";

    /// <summary>The perturbed prompt's index in the fact's score rows (1-based; 0 is the clean prompt).</summary>
    public int Index { get; init; }

    /// <summary>The perturbation kind as the dataset's perturbed_kinds names it ("perturbed" when it names
    /// none).</summary>
    public string Kind { get; init; } = "";

    /// <summary>The fact's clean (first) prompt.</summary>
    public string Clean { get; init; } = "";

    /// <summary>The perturbed prompt.</summary>
    public string Perturbed { get; init; } = "";

    /// <summary>Index in the clean prompt's whitespace words of the word replaced or deleted (insertion index for an
    /// added word); −1 for a paraphrase or when nothing changed.</summary>
    public int WordIndex { get; init; }

    /// <summary>The clean prompt's word that was replaced or deleted; null otherwise.</summary>
    public string? Word { get; init; }

    /// <summary>The text put in (marker, real word or paraphrase); null for a deletion.</summary>
    public string? Replacement { get; init; }

    /// <summary>Whether the word hit (or the insertion point) lies inside the subject's words.</summary>
    public bool HitsSubject { get; init; }

    /// <summary>Whether the perturbed prompt differs from the clean one (false when it was too short to
    /// perturb).</summary>
    public bool Changed { get; init; }
}

/// <summary>The tables, plots and report sections of R1 and R2 (snake_case columns, Parquet + CSV).</summary>
public static class RobustnessTables
{
    /// <summary>Table and report file names: R1 per-fact rows, summary and contrasts, the perturbed prompts, R2
    /// per-query rows, summary and contrasts, and the two markdown reports.</summary>
    public const string R1Facts = "r1_facts",
        R1Summary = "r1_summary",
        R1Contrasts = "r1_contrasts",
        Perturbations = "perturbations",
        R2Queries = "r2_queries",
        R2Summary = "r2_summary",
        R2Contrasts = "r2_contrasts",
        R1Report = "r1_report.md",
        R2Report = "r2_report.md";

    static readonly string[] BarConditions = ["dkn", "kn", "random-dkn", "none"];

    /// <summary>One row per perturbed prompt of every record.</summary>
    public static List<PerturbationRow> PerturbationRows(IEnumerable<PerturbedQueryRecord> records) =>
        records
            .SelectMany(r =>
                r.Perturbations.Select(p => new PerturbationRow
                {
                    FactId = r.FactId,
                    RelationId = r.RelationId,
                    Index = p.Index,
                    Kind = p.Kind,
                    Clean = r.Clean,
                    Perturbed = p.Prompt,
                    WordIndex = p.WordIndex,
                    Word = p.Word,
                    Replacement = p.Replacement,
                    HitsSubject = p.HitsSubject,
                    Changed = p.Changed,
                })
            )
            .ToList();

    /// <summary>Computes R1's metrics and writes its tables, one bar plot of ΔP (%) per route and r1_report.md into
    /// <paramref name="folder"/>.</summary>
    /// <param name="seed">Seed of the bootstrap intervals.</param>
    /// <param name="valueCutoff">The authors' probability cut-off on the activation route (see <see
    /// cref="SuppressionSummaryRow.AuthorsFilteredChangePercent"/>).</param>
    /// <param name="weightCutoff">The same cut-off on the weight route.</param>
    /// <returns>The paths written and the metrics.</returns>
    public static (IReadOnlyList<string> Files, SuppressionMetrics Metrics) WriteSuppression(
        IReadOnlyList<PerturbedQueryRecord> records,
        string folder,
        IReadOnlyDictionary<string, string> metadata,
        int seed,
        double valueCutoff,
        double weightCutoff
    )
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
            var bars = metrics
                .Summary.Where(s => s.Route == route && BarConditions.Contains(s.Condition))
                .Select(s => new BarValue(
                    s.Kind,
                    s.Condition,
                    s.ChangePercent,
                    s.ChangePercentCiLow,
                    s.ChangePercentCiHigh,
                    s.Facts
                ))
                .ToList();
            files.Add(
                ConditionBarsPlot.Save(
                    bars,
                    $"R1: suppression under perturbed queries ({route})",
                    "ΔP (%) = 100·(P_c(Q*) − P_c(Q))/P_c(Q), 95 % bootstrap CI",
                    Path.Combine(folder, $"r1_{route}.png")
                )
            );
        }
        var report = Path.Combine(folder, R1Report);
        File.WriteAllText(report, RobustnessReports.Suppression(metrics, records.Count));
        files.Add(report);
        return (files, metrics);
    }

    /// <summary>Computes R2's metrics and writes its tables, one accuracy bar plot per route and r2_report.md into
    /// <paramref name="folder"/>.</summary>
    /// <param name="seed">Seed of the bootstrap intervals.</param>
    /// <returns>The paths written and the metrics.</returns>
    public static (IReadOnlyList<string> Files, EnhancementMetrics Metrics) WriteEnhancement(
        IReadOnlyList<PerturbedQueryRecord> records,
        string folder,
        IReadOnlyDictionary<string, string> metadata,
        int seed
    )
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
            var bars = metrics
                .Summary.Where(s => s.Route == route && BarConditions.Contains(s.Condition))
                .Select(s => new BarValue(
                    s.Kind,
                    s.Condition,
                    100 * s.Accuracy,
                    100 * s.AccuracyCiLow,
                    100 * s.AccuracyCiHigh,
                    s.Queries
                ))
                .ToList();
            files.Add(
                ConditionBarsPlot.Save(
                    bars,
                    $"R2: enhancement (×2) on failed perturbed queries ({route})",
                    "accuracy after enhancement (%), 95 % Wilson CI over queries",
                    Path.Combine(folder, $"r2_{route}.png")
                )
            );
        }
        var report = Path.Combine(folder, R2Report);
        File.WriteAllText(report, RobustnessReports.Enhancement(metrics));
        files.Add(report);
        return (files, metrics);
    }
}
