namespace MlNetDkn.Metrics;

/// <summary>
/// The mean of values that come in clusters (a fact's queries, a query's draws), with a 95 % percentile-bootstrap
/// interval that resamples whole clusters: values of one cluster move together, so the interval reflects the number
/// of clusters rather than the number of values. Seeded, so the same values give the same interval.
/// </summary>
public static class ClusterBootstrap
{
    /// <summary>Mean over every value (a cluster weighs by its size) and the interval over resampled clusters; the
    /// estimate's Count is the number of clusters, its p-value the paired t-test over cluster means. NaN values are
    /// left out.</summary>
    public static MeanEstimate Mean<TKey>(IEnumerable<(TKey Cluster, double Value)> values, int seed)
        where TKey : notnull
    {
        var clusters = values
            .Where(v => !double.IsNaN(v.Value))
            .GroupBy(v => v.Cluster)
            .Select(g => (Sum: g.Sum(v => v.Value), Count: g.Count()))
            .ToArray();
        if (clusters.Length == 0)
            return MeanEstimate.Empty;
        double mean = clusters.Sum(c => c.Sum) / clusters.Sum(c => c.Count);
        if (clusters.Length == 1)
            return new(1, mean, double.NaN, double.NaN, double.NaN);
        var rng = new Random(seed);
        var means = new double[MeanEstimate.Resamples];
        for (int b = 0; b < means.Length; b++)
        {
            double sum = 0,
                count = 0;
            for (int i = 0; i < clusters.Length; i++)
            {
                var c = clusters[rng.Next(clusters.Length)];
                sum += c.Sum;
                count += c.Count;
            }
            means[b] = sum / count;
        }
        Array.Sort(means);
        return new(
            clusters.Length,
            mean,
            Statistics.Quantile(means, 0.025),
            Statistics.Quantile(means, 0.975),
            MeanEstimate.PairedTTest(clusters.Select(c => c.Sum / c.Count).ToArray())
        );
    }
}
