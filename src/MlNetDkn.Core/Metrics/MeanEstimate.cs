using MathNet.Numerics.Distributions;

namespace MlNetDkn.Metrics;

/// <summary>
/// A mean over facts (the unit of replication) with a 95 % percentile-bootstrap interval (seeded, so the same values
/// give the same interval) and, for paired differences, the two-sided paired t-test of mean 0.
/// </summary>
public sealed record MeanEstimate(int Count, double Mean, double CiLow, double CiHigh, double PValue)
{
    /// <summary>Bootstrap resamples behind every interval.</summary>
    public const int Resamples = 2000;

    /// <summary>The estimate of no values: count 0, NaN everywhere else.</summary>
    public static readonly MeanEstimate Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>NaN values are left out.</summary>
    public static MeanEstimate Of(IEnumerable<double> values, int seed)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0)
            return Empty;
        double mean = v.Average();
        if (v.Length == 1)
            return new(1, mean, double.NaN, double.NaN, double.NaN);
        var rng = new Random(seed);
        var means = new double[Resamples];
        for (int b = 0; b < Resamples; b++)
        {
            double sum = 0;
            for (int i = 0; i < v.Length; i++)
                sum += v[rng.Next(v.Length)];
            means[b] = sum / v.Length;
        }
        Array.Sort(means);
        return new(
            v.Length,
            mean,
            Statistics.Quantile(means, 0.025),
            Statistics.Quantile(means, 0.975),
            PairedTTest(v)
        );
    }

    /// <summary>Two-sided p of the one-sample t-test of mean 0 (the paired test when the values are differences);
    /// 1 when every value is 0, NaN for fewer than two values.</summary>
    public static double PairedTTest(IReadOnlyList<double> differences)
    {
        int n = differences.Count;
        if (n < 2)
            return double.NaN;
        double mean = differences.Average();
        double sd = Math.Sqrt(differences.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        if (sd == 0)
            return mean == 0 ? 1 : 0;
        double t = mean / (sd / Math.Sqrt(n));
        return 2 * (1 - StudentT.CDF(0, 1, n - 1, Math.Abs(t)));
    }
}
