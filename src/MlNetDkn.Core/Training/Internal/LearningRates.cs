namespace MlNetDkn.Training.Internal;

/// <summary>Linear warm-up to the peak, then cosine, linear or no decay down to peak·minRatio at the last
/// step.</summary>
internal static class LearningRates
{
    public static double At(
        int step,
        int totalSteps,
        double peak,
        double minRatio,
        double warmupFraction,
        LearningRateSchedule schedule
    )
    {
        int warmup = (int)Math.Round(warmupFraction * totalSteps);
        if (step < warmup)
            return peak * (step + 1) / warmup;
        if (schedule == LearningRateSchedule.Constant)
            return peak;
        double progress = totalSteps - warmup <= 1 ? 1 : (double)(step - warmup) / (totalSteps - warmup - 1);
        double decay =
            schedule == LearningRateSchedule.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return peak * (minRatio + (1 - minRatio) * decay);
    }
}
