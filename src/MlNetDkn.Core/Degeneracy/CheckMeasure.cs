using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>What the functional check measures a suppression's effect on.</summary>
public enum CheckMeasure
{
    /// <summary>Relative drop of P(answer): (P0 − P)/P0, the authors' quantity. Saturates when P0 ≈ 1: a 30 % drop
    /// then needs the answer's lead to collapse by several nats.</summary>
    Probability,

    /// <summary>Drop of log P(answer) in nats: log P0 − log P (thresholds in nats; 0.051 nats = a 5 % relative drop of
    /// P).</summary>
    LogProbability,

    /// <summary>Relative drop of the logit margin (gold logit − best other logit, mean over answer tokens):
    /// (m0 − m)/|m0|. It measures how much of the answer's lead a suppression removes, saturated or not.</summary>
    LogitMargin,
}

/// <summary>Drops and baseline values of a <see cref="CheckMeasure"/> computed from answer scores.</summary>
public static class CheckMeasures
{
    /// <summary>The drop of <paramref name="after"/> against <paramref name="before"/> under
    /// <paramref name="measure"/>.</summary>
    public static double Drop(CheckMeasure measure, AnswerScore before, AnswerScore after) =>
        measure switch
        {
            CheckMeasure.Probability => (before.Probability - after.Probability) / before.Probability,
            CheckMeasure.LogProbability => before.LogProbability - after.LogProbability,
            CheckMeasure.LogitMargin => (before.Margin - after.Margin) / Math.Abs(before.Margin),
            _ => throw new ArgumentOutOfRangeException(nameof(measure)),
        };

    /// <summary>The baseline value the measure starts from (P0, log P0 or m0).</summary>
    public static double Value(CheckMeasure measure, AnswerScore score) =>
        measure switch
        {
            CheckMeasure.Probability => score.Probability,
            CheckMeasure.LogProbability => score.LogProbability,
            CheckMeasure.LogitMargin => score.Margin,
            _ => throw new ArgumentOutOfRangeException(nameof(measure)),
        };

    /// <summary>Why a baseline cannot be measured, or null: relative drops need P0 &gt; 0 and a non-zero
    /// margin.</summary>
    public static string? Undefined(CheckMeasure measure, AnswerScore baseline) =>
        measure switch
        {
            CheckMeasure.Probability when !(baseline.Probability > 0) =>
                $"P(answer) without suppression is {baseline.Probability}; relative drops need P0 > 0",
            CheckMeasure.LogitMargin when !(Math.Abs(baseline.Margin) > 0) =>
                "the logit margin without suppression is 0; relative margin drops are undefined",
            _ => null,
        };
}
