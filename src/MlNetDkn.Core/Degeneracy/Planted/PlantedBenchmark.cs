using MlNetDkn.Metrics;

namespace MlNetDkn.Degeneracy.Planted;

/// <summary>One method's planted score in one variant (a planted model of some shape and seed).</summary>
public sealed record PlantedVariantScore(string Variant, string Method, int DegenerateFacts, int OtherFacts, int TruePositives,
    int FalsePositives, int FalseNegatives, double Precision, double Recall, double ComponentJaccard, int UnverifiedFacts);

/// <summary>
/// One method over every planted variant: counts pooled over the variants' facts (precision and recall of the pool),
/// the worst variant's precision and recall (every planted model must pass, not only the pool), and the mean component
/// Jaccard over the detected degenerate facts' components, weighted by the variants' detected facts.
/// </summary>
public sealed record PlantedBenchmarkRow(string Method, int Variants, int DegenerateFacts, int OtherFacts, int TruePositives,
    int FalsePositives, int FalseNegatives, double Precision, double Recall, double WorstPrecision, double WorstRecall,
    double ComponentJaccard, int UnverifiedFacts);

/// <summary>The planted benchmark across variants: <c>variants_planted</c> (every variant × method) and
/// <c>planted_benchmark</c> (per method, pooled), read back from each variant's score-planted table.</summary>
public static class PlantedBenchmark
{
    public const string VariantsTable = "variants_planted", SummaryTable = "planted_benchmark";
    public const string ScoresFile = "planted/planted_scores.parquet";

    /// <summary>The scores of one variant folder (empty when it has no score-planted table).</summary>
    public static IReadOnlyList<PlantedVariantScore> Read(string variant, string folder)
    {
        var path = Path.Combine(folder, ScoresFile);
        if (!File.Exists(path)) return [];
        var (table, _) = MetricTable.ReadParquet(path);
        T[] Col<T>(string name) => table.Column(name).Cast<object>().Select(v => (T)Convert.ChangeType(v, typeof(T), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
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
        return Enumerable.Range(0, table.RowCount).Select(i => new PlantedVariantScore(variant, method[i], degenerate[i], other[i], tp[i], fp[i], fn[i],
            precision[i], recall[i], jaccard[i], unverified[i])).ToList();
    }

    public static IReadOnlyList<PlantedBenchmarkRow> Summarize(IReadOnlyList<PlantedVariantScore> scores) =>
        scores.GroupBy(s => s.Method).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            int tp = g.Sum(s => s.TruePositives), fp = g.Sum(s => s.FalsePositives), fn = g.Sum(s => s.FalseNegatives);
            // A variant that reports nothing has no precision to speak of; it counts as 1 (no false positive) in the worst case.
            double Worst(Func<PlantedVariantScore, double> f) => g.Select(s => double.IsNaN(f(s)) ? 1 : f(s)).Min();
            var weighted = g.Where(s => s.TruePositives > 0 && !double.IsNaN(s.ComponentJaccard)).ToList();
            return new PlantedBenchmarkRow(g.Key, g.Count(), g.Sum(s => s.DegenerateFacts), g.Sum(s => s.OtherFacts), tp, fp, fn,
                tp + fp == 0 ? double.NaN : (double)tp / (tp + fp), tp + fn == 0 ? double.NaN : (double)tp / (tp + fn),
                Worst(s => s.Precision), g.Select(s => s.Recall).Min(),
                weighted.Count == 0 ? double.NaN : weighted.Sum(s => s.ComponentJaccard * s.TruePositives) / weighted.Sum(s => s.TruePositives),
                g.Sum(s => s.UnverifiedFacts));
        }).ToList();
}
