using MlNetDkn.Metrics;

namespace MlNetDkn.Tests.Metrics;

/// <summary>Resampling whole clusters: values repeated inside a cluster add no information, so the interval is as
/// wide as one over the clusters alone and about √repeats wider than one that treats every value as
/// independent.</summary>
public class ClusterBootstrapTests
{
    [Fact]
    public void RepeatedValuesInsideAClusterDoNotNarrowTheInterval()
    {
        var rng = new Random(5);
        var clusterValues = Enumerable.Range(0, 23).Select(_ => rng.NextDouble() < 0.4 ? 1.0 : 0.0).ToArray();
        var repeated = clusterValues.SelectMany((v, c) => Enumerable.Repeat((Cluster: c, Value: v), 10)).ToList();
        var clustered = ClusterBootstrap.Mean(repeated, seed: 3);
        var naive = MeanEstimate.Of(repeated.Select(x => x.Value), seed: 3);
        var overClusters = MeanEstimate.Of(clusterValues, seed: 3);
        Assert.Equal(23, clustered.Count);
        Assert.Equal(clusterValues.Average(), clustered.Mean, 12);
        double width = clustered.CiHigh - clustered.CiLow,
            naiveWidth = naive.CiHigh - naive.CiLow,
            clusterWidth = overClusters.CiHigh - overClusters.CiLow;
        Assert.InRange(width / naiveWidth, 2.4, 4.2); // √10 ≈ 3.16
        Assert.InRange(width / clusterWidth, 0.85, 1.15);
    }

    [Fact]
    public void ClustersWeighByTheirSizeAndTheSameSeedGivesTheSameInterval()
    {
        (string, double)[] values = [("a", 1), ("a", 1), ("a", 1), ("b", 0), ("c", 0.5), ("c", double.NaN)];
        var e = ClusterBootstrap.Mean(values, seed: 1);
        Assert.Equal(3.5 / 5, e.Mean, 12);
        Assert.Equal(3, e.Count);
        Assert.Equal(e, ClusterBootstrap.Mean(values, seed: 1));
        Assert.InRange(e.CiLow, 0, e.Mean);
        Assert.InRange(e.CiHigh, e.Mean, 1);
    }
}
