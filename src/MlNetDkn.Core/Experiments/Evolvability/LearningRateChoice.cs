namespace MlNetDkn.Experiments.Evolvability;

/// <summary>One learning rate of the grid on the held-out criterion's two parts.</summary>
/// <param name="ValidationAccuracy">New facts, on the held-out training paraphrase.</param>
/// <param name="ValidationRetention">Unrelated old facts kept apart from the retention test set.</param>
public sealed record LearningRateTrial(double LearningRate, double ValidationAccuracy, double ValidationRetention)
{
    /// <summary>Without validation retention facts (NaN) the score is the new-fact accuracy alone.</summary>
    public double Score(double retentionWeight) =>
        ValidationAccuracy + (double.IsNaN(ValidationRetention) ? 0 : retentionWeight * ValidationRetention);
}

/// <summary>
/// Chooses a learning rate on held-out data only: the highest score, validation accuracy on the new facts plus
/// <c>retentionWeight</c> × validation accuracy on unrelated old facts (an edit that learns the new facts by forgetting
/// old ones is not a good edit), ties going to the smaller rate. Accuracy alone would tie at 1.0 over most of the
/// grid and let the largest, most destructive rate win.
/// </summary>
public static class LearningRateChoice
{
    /// <summary>Scores closer than this are a tie (accuracies are counts over a few dozen facts).</summary>
    public const double Tolerance = 1e-9;

    /// <summary>The trial with the highest <see cref="LearningRateTrial.Score"/>, ties (within <see cref="Tolerance"/>)
    /// to the smaller rate; throws <see cref="ArgumentException"/> on an empty list.</summary>
    public static LearningRateTrial Choose(IReadOnlyList<LearningRateTrial> trials, double retentionWeight)
    {
        if (trials.Count == 0)
            throw new ArgumentException("no learning rate to choose from", nameof(trials));
        double best = trials.Max(t => t.Score(retentionWeight));
        return trials.Where(t => t.Score(retentionWeight) >= best - Tolerance).MinBy(t => t.LearningRate)!;
    }
}
