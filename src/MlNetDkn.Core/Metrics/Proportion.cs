using MathNet.Numerics.Distributions;

namespace MlNetDkn.Metrics;

/// <summary>
/// A count out of a total with its 95 % Wilson score interval (well behaved at 0 and at the total, where the normal
/// interval collapses; the usual choice for a share of facts). MathNet has the normal quantile, not the interval.
/// </summary>
public sealed record Proportion(int Successes, int Trials, double Share, double CiLow, double CiHigh)
{
    /// <paramref name="successes"/> of <paramref name="trials"/> with its Wilson interval at <paramref
    /// name="confidence"/>; NaN share and bounds for 0 trials. Throws <see cref="ArgumentOutOfRangeException"/> when it
    /// is not a proportion.
    public static Proportion Of(int successes, int trials, double confidence = 0.95)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"{successes} of {trials} is not a proportion");
        if (trials == 0)
            return new(0, 0, double.NaN, double.NaN, double.NaN);
        var (low, high) = Wilson(successes, trials, confidence);
        return new(successes, trials, successes / (double)trials, low, high);
    }

    /// <summary>The Wilson score interval of <paramref name="successes"/> (fractional allowed: a sum of unit shares)
    /// out of <paramref name="trials"/>; NaN bounds for no trials.</summary>
    public static (double Low, double High) Wilson(double successes, int trials, double confidence = 0.95)
    {
        if (trials == 0)
            return (double.NaN, double.NaN);
        double z = Normal.InvCDF(0, 1, 1 - (1 - confidence) / 2),
            n = trials,
            p = successes / n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z / (1 + z * z / n) * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        // At 0 and at the total the bound is exactly 0 or 1; the formula leaves rounding dust.
        return (successes == 0 ? 0 : Math.Max(0, centre - half), successes == trials ? 1 : Math.Min(1, centre + half));
    }
}
