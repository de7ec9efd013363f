namespace MlNetDkn.Attribution.Internal;

/// <summary>
/// The point counts an adaptive rule tries, and when it stops: Steps, 2·Steps, 4·Steps, … up to the maximum (tried
/// last even when it is not a doubling), stopping at the first count whose completeness gap is within tolerance.
/// </summary>
static class AdaptiveSteps
{
    /// <summary>The counts to try in order: just <see cref="AttributionOptions.Steps"/> for a fixed rule.</summary>
    public static IEnumerable<int> Schedule(AttributionOptions options)
    {
        if (!options.IsAdaptive)
        {
            yield return options.Steps;
            yield break;
        }
        int max = options.MaxStepsOrDefault;
        for (int steps = options.Steps; ; steps = (int)Math.Min(2L * steps, max))
        {
            yield return steps;
            if (steps >= max)
                yield break;
        }
    }

    /// <summary>
    /// max_l |gap_l| ≤ tolerance · max_l |f(a) − f(b_l)|, the gap being Σ scores_l − (f(a) − f(b_l)): the same measure
    /// as <see cref="AttributionResult.RelativeCompletenessError"/> for one answer token.
    /// </summary>
    public static bool IsComplete(double[] gaps, double atActivation, double[] atBaseline, double tolerance)
    {
        double scale = atBaseline.Max(b => Math.Abs(atActivation - b));
        return gaps.Max(Math.Abs) <= tolerance * scale;
    }
}
