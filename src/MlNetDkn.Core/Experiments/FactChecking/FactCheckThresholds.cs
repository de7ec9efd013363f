namespace MlNetDkn.Experiments.FactChecking;

/// <summary>A detector's decision rule: a statement is judged true when Direction · score ≥ Direction ·
/// Threshold.</summary>
/// <param name="Direction">+1: higher scores mean true (the authors' rule); −1: lower scores mean true.</param>
public sealed record DetectorThreshold(double Threshold, int Direction = 1)
{
    /// <summary>Whether the rule judges a statement with this score true; always false under a NaN threshold.</summary>
    public bool JudgesTrue(double score) => !double.IsNaN(Threshold) && Direction * score >= Direction * Threshold;

    /// <summary>The score oriented so that higher means "true" (what ROC curves are computed on).</summary>
    public double Oriented(double score) => Direction * score;
}

/// <summary>Fits decision rules on labelled validation scores, the same rule for every detector.</summary>
public static class FactCheckThresholds
{
    /// <summary>
    /// The threshold and direction that maximise accuracy on labelled validation scores (candidates: midpoints between
    /// consecutive distinct scores, and below / above all; both directions); ties go to direction +1, then the smallest
    /// threshold. NaN scores are left out; NaN threshold when none remain.
    /// </summary>
    public static DetectorThreshold Fit(IEnumerable<(double Score, bool IsTrue)> validation, bool bothDirections = true)
    {
        var v = validation.Where(x => !double.IsNaN(x.Score)).OrderBy(x => x.Score).ToArray();
        if (v.Length == 0)
            return new DetectorThreshold(double.NaN);
        var distinct = v.Select(x => x.Score).Distinct().ToArray();
        var candidates = new List<double> { distinct[0] - 1 };
        for (int i = 0; i + 1 < distinct.Length; i++)
            candidates.Add((distinct[i] + distinct[i + 1]) / 2);
        candidates.Add(distinct[^1] + 1);
        DetectorThreshold? best = null;
        int bestCorrect = -1;
        foreach (var direction in bothDirections ? new[] { 1, -1 } : [1])
        foreach (var t in candidates)
        {
            var rule = new DetectorThreshold(t, direction);
            int correct = v.Count(x => rule.JudgesTrue(x.Score) == x.IsTrue);
            if (correct > bestCorrect)
            {
                bestCorrect = correct;
                best = rule;
            }
        }
        return best!;
    }

    /// <summary>
    /// Every detector's rule: the authors' fixed thresholds for the DKN and knowledge-neuron detectors when
    /// <see cref="ThresholdRule.AuthorsFixed"/> is chosen, otherwise <see cref="Fit"/> on the validation split's true
    /// and false statements (records missing either statement are left out).
    /// </summary>
    public static IReadOnlyDictionary<string, DetectorThreshold> ForDetectors(
        FactCheckOptions options,
        IEnumerable<FactCheckRecord> validation
    )
    {
        var pairs = validation.Where(r => r.True is not null && r.False is not null).ToList();
        var thresholds = new Dictionary<string, DetectorThreshold>(StringComparer.Ordinal);
        foreach (var d in options.Detectors)
        {
            var name = FactCheckOptions.Name(d);
            thresholds[name] =
                options.Threshold == ThresholdRule.AuthorsFixed && d == FactCheckDetector.Dkn
                    ? new DetectorThreshold(options.AuthorsDknThreshold)
                : options.Threshold == ThresholdRule.AuthorsFixed && d == FactCheckDetector.KnowledgeNeurons
                    ? new DetectorThreshold(options.AuthorsKnThreshold)
                : Fit(pairs.SelectMany(r => new[] { (r.True!.Scores[name], true), (r.False!.Scores[name], false) }));
        }
        return thresholds;
    }
}
