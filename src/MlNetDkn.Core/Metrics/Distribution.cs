using MathNet.Numerics.Distributions;

namespace MlNetDkn.Metrics;

/// <summary>
/// Summary of a sample: count, mean with a 95 % confidence interval (Student t over the values, which are one per
/// fact, so facts are the unit of replication), and the quantiles a reader needs to see the spread. NaN values are
/// left out and counted apart; an empty sample gives NaN everywhere.
/// </summary>
public sealed record Distribution(
    int Count,
    int Missing,
    double Mean,
    double CiLow,
    double CiHigh,
    double Min,
    double Median,
    double P90,
    double Max
)
{
    /// <summary>The summary of no values.</summary>
    public static readonly Distribution Empty = new(
        0,
        0,
        double.NaN,
        double.NaN,
        double.NaN,
        double.NaN,
        double.NaN,
        double.NaN,
        double.NaN
    );

    /// <summary>The summary of <paramref name="values"/> (NaN values counted in <see cref="Missing"/>).</summary>
    public static Distribution Of(IEnumerable<double> values)
    {
        var all = values.ToList();
        var v = all.Where(x => !double.IsNaN(x)).Order().ToArray();
        int missing = all.Count - v.Length;
        if (v.Length == 0)
            return new(0, missing, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = v.Average();
        var (low, high) = MeanInterval(v, mean);
        return new(
            v.Length,
            missing,
            mean,
            low,
            high,
            v[0],
            Statistics.Quantile(v, 0.5),
            Statistics.Quantile(v, 0.9),
            v[^1]
        );
    }

    /// <summary>95 % t interval of the mean; NaN bounds for fewer than two values.</summary>
    public static (double Low, double High) MeanInterval(IReadOnlyList<double> values, double mean)
    {
        int n = values.Count;
        if (n < 2)
            return (double.NaN, double.NaN);
        double sd = Math.Sqrt(values.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        double half = StudentT.InvCDF(0, 1, n - 1, 0.975) * sd / Math.Sqrt(n);
        return (mean - half, mean + half);
    }
}
