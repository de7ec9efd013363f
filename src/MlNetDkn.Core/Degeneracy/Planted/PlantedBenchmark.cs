using MlNetDkn.Metrics;

namespace MlNetDkn.Degeneracy.Planted;

/// <summary>One method's planted score in one variant (a planted model of some shape and seed).</summary>
public sealed record PlantedVariantScore(
    string Variant,
    string Method,
    int DegenerateFacts,
    int OtherFacts,
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    double Precision,
    double Recall,
    double ComponentJaccard,
    int UnverifiedFacts
)
{
    /// <summary>Compute seconds per fact of the DKN step that produced the method (its candidates, every method it ran
    /// and the re-check), from the variant's manifest; NaN when not recorded.</summary>
    public double SecondsPerFact { get; init; } = double.NaN;
}

/// <summary>
/// One method over every planted variant: counts pooled over the variants' facts (precision and recall of the pool),
/// the worst variant's precision and recall (every planted model must pass, not only the pool), and the mean component
/// Jaccard over the detected degenerate facts' components, weighted by the variants' detected facts.
/// </summary>
public sealed record PlantedBenchmarkRow(
    string Method,
    int Variants,
    int DegenerateFacts,
    int OtherFacts,
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    double Precision,
    double Recall,
    double WorstPrecision,
    double WorstRecall,
    double ComponentJaccard,
    int UnverifiedFacts
)
{
    /// <summary>Mean over the variants of the DKN step's compute seconds per fact.</summary>
    public double SecondsPerFact { get; init; } = double.NaN;
}

/// <summary>The planted benchmark across variants: <c>variants_planted</c> (every variant × method) and
/// <c>planted_benchmark</c> (per method, pooled), read back from each variant's score-planted table.</summary>
public static class PlantedBenchmark
{
    /// <summary>Names of the per-variant table and of the pooled per-method table.</summary>
    public const string VariantsTable = "variants_planted",
        SummaryTable = "planted_benchmark";

    /// <summary>Path of a variant's score-planted table, relative to its run folder.</summary>
    public const string ScoresFile = "planted/planted_scores.parquet";

    /// <summary>The scores of one variant folder (empty when it has no score-planted table).</summary>
    public static IReadOnlyList<PlantedVariantScore> Read(string variant, string folder)
    {
        var path = Path.Combine(folder, ScoresFile);
        if (!File.Exists(path))
            return [];
        var (table, _) = MetricTable.ReadParquet(path);
        T[] Col<T>(string name) =>
            table
                .Column(name)
                .Cast<object>()
                .Select(v => (T)Convert.ChangeType(v, typeof(T), System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();
        var method = Col<string>("method");
        var degenerate = Col<int>("degenerate_facts");
        var other = Col<int>("other_facts");
        var tp = Col<int>("true_positives");
        var fp = Col<int>("false_positives");
        var fn = Col<int>("false_negatives");
        var precision = Col<double>("precision");
        var recall = Col<double>("recall");
        var jaccard = Col<double>("component_jaccard");
        var unverified = Col<int>("unverified_facts");
        var seconds = StepSeconds(Path.Combine(folder, "manifest.json"));
        return Enumerable
            .Range(0, table.RowCount)
            .Select(i => new PlantedVariantScore(
                variant,
                method[i],
                degenerate[i],
                other[i],
                tp[i],
                fp[i],
                fn[i],
                precision[i],
                recall[i],
                jaccard[i],
                unverified[i]
            )
            {
                // The step whose column suffix ends the method's label (the longest such suffix) produced it.
                SecondsPerFact = seconds
                    .Where(x => method[i].EndsWith(x.Suffix, StringComparison.Ordinal))
                    .OrderByDescending(x => x.Suffix.Length)
                    .Select(x => x.Seconds / Math.Max(1, degenerate[i] + other[i] + unverified[i]))
                    .DefaultIfEmpty(double.NaN)
                    .First(),
            })
            .ToList();
    }

    /// <summary>(column suffix, compute seconds) of every DKN step in a run manifest.</summary>
    static List<(string Suffix, double Seconds)> StepSeconds(string manifestPath)
    {
        var found = new List<(string, double)>();
        if (
            !File.Exists(manifestPath)
            || System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))
                is not System.Text.Json.Nodes.JsonObject manifest
        )
            return found;
        foreach (var step in manifest["steps"] as System.Text.Json.Nodes.JsonArray ?? [])
            if (
                step?["step"]?.GetValue<string>() == "find-degenerate-neurons"
                && step["compute_seconds"] is { } seconds
            )
                found.Add((step["options"]?["column_suffix"]?.GetValue<string>() ?? "", seconds.GetValue<double>()));
        return found;
    }

    /// <summary>
    /// One row per method (ordinal order), pooling counts over the variants and keeping each variant's worst precision
    /// and recall (a NaN precision counts as 1).
    /// </summary>
    public static IReadOnlyList<PlantedBenchmarkRow> Summarize(IReadOnlyList<PlantedVariantScore> scores) =>
        scores
            .GroupBy(s => s.Method)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                int tp = g.Sum(s => s.TruePositives),
                    fp = g.Sum(s => s.FalsePositives),
                    fn = g.Sum(s => s.FalseNegatives);
                // A variant that reports nothing has no precision to speak of; it counts as 1 (no false positive) in
                // the worst case.
                double Worst(Func<PlantedVariantScore, double> f) => g.Select(s => double.IsNaN(f(s)) ? 1 : f(s)).Min();
                var weighted = g.Where(s => s.TruePositives > 0 && !double.IsNaN(s.ComponentJaccard)).ToList();
                return new PlantedBenchmarkRow(
                    g.Key,
                    g.Count(),
                    g.Sum(s => s.DegenerateFacts),
                    g.Sum(s => s.OtherFacts),
                    tp,
                    fp,
                    fn,
                    tp + fp == 0 ? double.NaN : (double)tp / (tp + fp),
                    tp + fn == 0 ? double.NaN : (double)tp / (tp + fn),
                    Worst(s => s.Precision),
                    g.Select(s => s.Recall).Min(),
                    weighted.Count == 0
                        ? double.NaN
                        : weighted.Sum(s => s.ComponentJaccard * s.TruePositives) / weighted.Sum(s => s.TruePositives),
                    g.Sum(s => s.UnverifiedFacts)
                )
                {
                    SecondsPerFact = g.Any(s => !double.IsNaN(s.SecondsPerFact))
                        ? g.Where(s => !double.IsNaN(s.SecondsPerFact)).Average(s => s.SecondsPerFact)
                        : double.NaN,
                };
            })
            .ToList();
}
