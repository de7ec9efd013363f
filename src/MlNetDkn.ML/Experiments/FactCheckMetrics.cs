using Microsoft.ML;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.Metrics;

namespace MlNetDkn.ML.Experiments;

/// <summary>R3's numbers for one detector on the test split: ML.NET's binary-classification metrics of the thresholded
/// score, and the authors' micro precision / recall / F1 (true statements judged true are TP; no true negatives).</summary>
static class FactCheckMetrics
{
    /// <summary>One test statement per row: label (true statement?), and per detector its score.</summary>
    sealed class Statement
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }

    /// <summary>ML.NET's binary-classification metrics of one detector on the test statements, with the authors' micro
    /// precision / recall / F1 (true statements judged true are TP; no true negatives) beside them.</summary>
    public static FactCheckMetricsRow Of(IReadOnlyList<FactCheckRecord> records, string detector, DetectorThreshold rule, int seed)
    {
        var test = records.Where(r => r.Split == FactCheckSplits.Test && r.True is not null && r.False is not null).ToList();
        var statements = test.SelectMany(r => new[] { (Label: true, Score: r.True!.Scores[detector]), (Label: false, Score: r.False!.Scores[detector]) })
            .Where(s => !double.IsNaN(s.Score)).ToList();
        int covered = statements.Count, total = 2 * test.Count;
        var row = new FactCheckMetricsRow { Detector = detector, Threshold = rule.Threshold, Direction = rule.Direction, TestFacts = test.Count, Statements = total, Scored = covered };
        if (covered == 0 || statements.All(s => s.Label) || statements.All(s => !s.Label)) return row;
        var ml = new MLContext(seed);
        // ML.NET judges a statement true when its score is above 0: orient and shift by τ (AUC and AUPRC do not change
        // under the shift; they are those of the oriented score).
        var view = ml.Data.LoadFromEnumerable(statements.Select(s =>
        {
            double shifted = rule.Oriented(s.Score) - rule.Oriented(rule.Threshold);
            return new Statement
            {
                Label = s.Label, Score = rule.JudgesTrue(s.Score) ? Math.Max((float)shifted, float.Epsilon) : Math.Min((float)shifted, -float.Epsilon),
                PredictedLabel = rule.JudgesTrue(s.Score),
            };
        }));
        var m = ml.BinaryClassification.EvaluateNonCalibrated(view, "Label", "Score", "PredictedLabel");
        int tp = statements.Count(s => s.Label && rule.JudgesTrue(s.Score)), fp = statements.Count(s => !s.Label && rule.JudgesTrue(s.Score)), fn = statements.Count(s => s.Label && !rule.JudgesTrue(s.Score));
        // The interval over facts: a fact's two statements are averaged before it counts once.
        var accuracy = UnitShare.Of("fact", test.Select(r => (IReadOnlyCollection<bool>)new[] { (true, r.True!.Scores[detector]), (false, r.False!.Scores[detector]) }
            .Where(s => !double.IsNaN(s.Item2)).Select(s => rule.JudgesTrue(s.Item2) == s.Item1).ToArray()));
        double p = tp + fp == 0 ? double.NaN : (double)tp / (tp + fp), rcl = tp + fn == 0 ? double.NaN : (double)tp / (tp + fn);
        return row with
        {
            Auc = m.AreaUnderRocCurve, Auprc = m.AreaUnderPrecisionRecallCurve, Accuracy = m.Accuracy, AccuracyFacts = accuracy.Units, AccuracyCiLow = accuracy.CiLow, AccuracyCiHigh = accuracy.CiHigh,
            Precision = m.PositivePrecision, Recall = m.PositiveRecall, F1 = m.F1Score,
            AuthorsPrecision = p, AuthorsRecall = rcl, AuthorsF1 = double.IsNaN(p) || double.IsNaN(rcl) || p + rcl == 0 ? double.NaN : 2 * p * rcl / (p + rcl),
        };
    }
}
