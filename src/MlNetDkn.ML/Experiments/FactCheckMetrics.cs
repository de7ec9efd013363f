using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.Metrics;

namespace MlNetDkn.ML.Experiments;

/// <summary>R3's numbers for one detector on the test split: ML.NET's binary-classification metrics of the thresholded
/// score, and the authors' micro precision / recall / F1 (true statements judged true are TP; no true
/// negatives).</summary>
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
    static string? UndefinedReason(int covered, IReadOnlyList<Statement> statements, DetectorThreshold rule)
    {
        if (covered == 0)
            return "no test statement was scored";
        if (double.IsNaN(rule.Threshold))
            return "no threshold was fitted (no validation statements)";
        var finite = statements.Where(s => float.IsFinite(s.Score)).ToList();
        if (!finite.Any(s => s.Label))
            return "no true statement among the scored test statements";
        if (!finite.Any(s => !s.Label))
            return "no false statement among the scored test statements";
        return null;
    }

    public static FactCheckMetricsRow Of(
        IReadOnlyList<FactCheckRecord> records,
        string detector,
        DetectorThreshold rule,
        int seed
    )
    {
        var test = records
            .Where(r => r.Split == FactCheckSplits.Test && r.True is not null && r.False is not null)
            .ToList();
        var statements = test.SelectMany(r =>
                new[]
                {
                    (Label: true, Score: r.True!.Scores[detector]),
                    (Label: false, Score: r.False!.Scores[detector]),
                }
            )
            .Where(s => !double.IsNaN(s.Score))
            .ToList();
        int covered = statements.Count,
            total = 2 * test.Count;
        var row = new FactCheckMetricsRow
        {
            Detector = detector,
            Threshold = rule.Threshold,
            Direction = rule.Direction,
            TestFacts = test.Count,
            Statements = total,
            Scored = covered,
        };
        // ML.NET judges a statement true when its score is above 0: orient and shift by τ (AUC and AUPRC do not change
        // under the shift; they are those of the oriented score).
        var shiftedStatements = statements
            .Select(s =>
            {
                double shifted = rule.Oriented(s.Score) - rule.Oriented(rule.Threshold);
                return new Statement
                {
                    Label = s.Label,
                    Score = rule.JudgesTrue(s.Score)
                        ? Math.Max((float)shifted, float.Epsilon)
                        : Math.Min((float)shifted, -float.Epsilon),
                    PredictedLabel = rule.JudgesTrue(s.Score),
                };
            })
            .ToList();
        // The metrics are undefined on some data (a shard's few facts, a relation without a threshold): written as
        // NaN with the reason, never an exception from ML.NET's evaluator (which skips non-finite scores).
        var reason = UndefinedReason(covered, shiftedStatements, rule);
        if (reason != null)
            return row with { Undefined = reason };
        var ml = new MLContext(seed);
        var view = ml.Data.LoadFromEnumerable(shiftedStatements);
        BinaryClassificationMetrics m;
        try
        {
            m = ml.BinaryClassification.EvaluateNonCalibrated(view, "Label", "Score", "PredictedLabel");
        }
        catch (ArgumentOutOfRangeException e)
        {
            return row with { Undefined = e.Message.Split('\n', 2)[0].Trim() };
        }
        int tp = statements.Count(s => s.Label && rule.JudgesTrue(s.Score)),
            fp = statements.Count(s => !s.Label && rule.JudgesTrue(s.Score)),
            fn = statements.Count(s => s.Label && !rule.JudgesTrue(s.Score));
        // The interval over facts: a fact's two statements are averaged before it counts once.
        var accuracy = UnitShare.Of(
            "fact",
            test.Select(r =>
                (IReadOnlyCollection<bool>)
                    new[] { (true, r.True!.Scores[detector]), (false, r.False!.Scores[detector]) }
                        .Where(s => !double.IsNaN(s.Item2))
                        .Select(s => rule.JudgesTrue(s.Item2) == s.Item1)
                        .ToArray()
            )
        );
        double p = tp + fp == 0 ? double.NaN : (double)tp / (tp + fp),
            rcl = tp + fn == 0 ? double.NaN : (double)tp / (tp + fn);
        return row with
        {
            Auc = m.AreaUnderRocCurve,
            Auprc = m.AreaUnderPrecisionRecallCurve,
            Accuracy = m.Accuracy,
            AccuracyFacts = accuracy.Units,
            AccuracyCiLow = accuracy.CiLow,
            AccuracyCiHigh = accuracy.CiHigh,
            Precision = m.PositivePrecision,
            Recall = m.PositiveRecall,
            F1 = m.F1Score,
            AuthorsPrecision = p,
            AuthorsRecall = rcl,
            AuthorsF1 = double.IsNaN(p) || double.IsNaN(rcl) || p + rcl == 0 ? double.NaN : 2 * p * rcl / (p + rcl),
        };
    }
}
