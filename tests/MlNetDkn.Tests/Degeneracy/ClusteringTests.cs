using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Internal;

namespace MlNetDkn.Tests.Degeneracy;

public class ClusteringTests
{
    static Neuron[] Ids(int k) => Enumerable.Range(0, k).Select(i => new Neuron(i % 3, i)).ToArray();

    static StructuralGraph FromPoints(params double[] x)
    {
        var d = new double[x.Length, x.Length];
        for (int i = 0; i < x.Length; i++)
        for (int j = 0; j < x.Length; j++)
            d[i, j] = Math.Abs(x[i] - x[j]);
        return new StructuralGraph(Ids(x.Length), d);
    }

    static StructuralGraph FromUpper(int k, Func<int, int, double> f)
    {
        var d = new double[k, k];
        for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++)
            d[i, j] = d[j, i] = f(i, j);
        return new StructuralGraph(Ids(k), d);
    }

    static int[][] Indices(StructuralGraph g, IReadOnlyList<IReadOnlyList<Neuron>> clusters) =>
        clusters.Select(c => c.Select(n => g.Neurons.ToList().IndexOf(n)).ToArray()).ToArray();

    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 0.2, 1.6)]
    [InlineData(new[] { 3.0, 1, 2 }, 0.5, 2.0)]
    [InlineData(new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.7, 7.3)]
    [InlineData(new[] { 0.0, 0, 1.5 }, 0.5, 0.0)]
    [InlineData(new[] { 5.0 }, 0.2, 5.0)]
    public void QuantileMatchesNumpyLinear(double[] values, double q, double expected) =>
        Assert.Equal(expected, NumpyQuantile.Of(values, q), 12);

    [Fact]
    public void QuantileUsesNumpysUpperLerpForm()
    {
        // t = 0.7 ≥ 0.5: numpy computes b − (b − a)(1 − t), which differs in the last bit from a + (b − a)t here.
        double a = 0.1,
            b = 0.7;
        double numpy = b - (b - a) * (1 - 0.7);
        Assert.Equal(numpy, NumpyQuantile.Of([a, b], 0.7));
    }

    [Fact]
    public void AuthorsUnionFindOnAHandTracedMatrix()
    {
        // 6 points; finite distances 1..6 and 50, the rest 1000. Finite sorted: [1,2,3,4,5,6,50] → τ = q0.2 = 2.2,
        // candidate edges (d < 2.2): (0,1)=1, (2,3)=2 → merge int(0.5·2) = 1 edge: (0,1). Births: 0 and 1 get 1.
        // Median birth over 6 points = 0; persistence of root {0,1} = E[-1].w − birth[root] = 2 − 1 = 1 > 0 → kept.
        var g = FromUpper(6, (i, j) => (i, j) switch
            {
                (0, 1) => 1,
                (2, 3) => 2,
                (1, 2) => 3,
                (3, 4) => 4,
                (0, 5) => 5,
                (4, 5) => 6,
                (0, 2) => 50,
                _ => 1000,
            });
        var clusters = NtcClustering.AuthorsUnionFind(g, NtcOptions.DknAuthors);
        Assert.Equal(
            [
                [0, 1],
            ],
            Indices(g, clusters)
        );
    }

    [Fact]
    public void AuthorsUnionFindNeedsTwoCandidateEdgesToMergeAnything()
    {
        // One edge below τ: int(0.5 · 1) = 0 merges, so no cluster (method.md §8: strict < and truncation).
        var g = FromUpper(4, (i, j) => (i, j) == (0, 1) ? 1
            : (i, j) == (1, 2) ? 9
            : 1000);
        Assert.Empty(NtcClustering.AuthorsUnionFind(g, NtcOptions.DknAuthors));
        Assert.Empty(NtcClustering.AuthorsUnionFind(FromUpper(3, (_, _) => 1000), NtcOptions.DknAuthors));
    }

    [Fact]
    public void PersistenceGapCutsAtTheWidestGap()
    {
        // Two tight groups (merges at 1, 1.1, 1.2, 1.3) joined at 47.9: the cut goes into the jump 1.3 → 47.9.
        var g = FromPoints(0, 1, 2.1, 50, 51.2, 52.5);
        var clusters = NtcClustering.PersistenceGap(g, NtcOptions.Corrected);
        Assert.Equal(
            [
                [0, 1, 2],
                [3, 4, 5],
            ],
            Indices(g, clusters)
        );
        // Linear gaps pick the same jump; the closing gap up to the finite threshold never counts.
        var linear = NtcClustering.PersistenceGap(g, NtcOptions.Corrected with { LogScaleGaps = false });
        Assert.Equal(
            [
                [0, 1, 2],
                [3, 4, 5],
            ],
            Indices(g, linear)
        );
        // Without a jump of at least MinGapRatio, nothing is cut.
        Assert.Single(NtcClustering.PersistenceGap(g, NtcOptions.Corrected with { MinGapRatio = 100 }));
    }

    [Fact]
    public void QuantileCutMergesOnlyTheShortestEdges()
    {
        // Pairs at 1 and 1.5, everything else 10..40: the 10th percentile of the 15 finite edges is ~1.5 → two pairs.
        var g = FromUpper(6, (i, j) => (i, j) switch
            {
                (0, 1) => 1,
                (2, 3) => 1.5,
                _ => 10 + i + 5 * j,
            });
        var clusters = NtcClustering.QuantileCut(g, NtcOptions.Corrected);
        Assert.Equal(
            [
                [0, 1],
                [2, 3],
            ],
            Indices(g, clusters)
        );
        Assert.Equal(NtcMethod.QuantileCut, NtcOptions.Corrected.Method);
        // A higher quantile lets longer edges join the groups.
        Assert.True(
            NtcClustering.QuantileCut(g, NtcOptions.Corrected with { CutQuantile = 0.9 }).Max(c => c.Count) > 2
        );
    }

    [Fact]
    public void PersistenceGapDropsSmallClustersAndIgnoresNonFiniteEdges()
    {
        var g = FromUpper(5, (i, j) => (i, j) switch
            {
                (0, 1) => 1,
                (1, 2) => 1.1,
                _ => 1000,
            });
        var clusters = NtcClustering.PersistenceGap(g, NtcOptions.Corrected);
        Assert.Equal(
            [
                [0, 1, 2],
            ],
            Indices(g, clusters)
        );
        Assert.Empty(NtcClustering.PersistenceGap(g, NtcOptions.Corrected with { MinClusterSize = 4 }));
    }

    [Fact]
    public void HierarchicalCutsAverageLinkageAndNumbersClustersAsScipy()
    {
        // {1,2} at 1, {3,4} at 1.1, cross 4, point 0 at 30 from {1,2} and 50 from {3,4} (average 40).
        // Condensed q0.7 = 30: {1,2,3,4} (height 4) is one cluster, 0 stays alone. scipy walks the merge tree
        // subtree-first, so the leaf 0 (merged at the root) gets the last label.
        var g = FromUpper(5, (i, j) => (i, j) switch
            {
                (1, 2) => 1,
                (3, 4) => 1.1,
                (0, 1) or (0, 2) => 30,
                (0, 3) or (0, 4) => 50,
                _ => 4,
            });
        var clusters = BaselineClustering.Hierarchical(g);
        Assert.Equal(
            [
                [1, 2, 3, 4],
                [0],
            ],
            Indices(g, clusters)
        );
        // A lower cut separates the two pairs.
        var fine = BaselineClustering.Hierarchical(g, new HierarchicalOptions { CutQuantile = 0.2 });
        Assert.Equal(3, fine.Count);
    }

    [Fact]
    public void AverageLinkageHeightsAreSizeWeightedMeans()
    {
        var d = new double[,]
        {
            { 0, 1, 5, 9 },
            { 1, 0, 7, 9 },
            { 5, 7, 0, 9 },
            { 9, 9, 9, 0 },
        };
        var z = AverageLinkage.Linkage(d);
        Assert.Equal(new AverageLinkage.Merge(0, 1, 1), z[0]);
        Assert.Equal(new AverageLinkage.Merge(2, 4, 6), z[1]); // (5 + 7) / 2
        Assert.Equal(new AverageLinkage.Merge(3, 5, 9), z[2]);
    }

    [Fact]
    public void DbscanFindsDenseRunsAndDropsNoise()
    {
        // Nearest distances [1,1,1,1,1,1,38] → eps = 1; min_samples = max(2, int(0.21)) = 2.
        var g = FromPoints(0, 1, 2, 10, 11, 12, 50);
        Assert.Equal(
            [
                [0, 1, 2],
                [3, 4, 5],
            ],
            Indices(g, BaselineClustering.Dbscan(g))
        );
        // A larger eps quantile (max nearest distance 38) joins the first two runs.
        var wide = BaselineClustering.Dbscan(g, new DbscanOptions { EpsQuantile = 1.0 });
        Assert.Equal(
            [
                [0, 1, 2, 3, 4, 5, 6],
            ],
            Indices(g, wide)
        );
    }

    [Fact]
    public void KmeansSeparatesTwoBlobsAndRepeatsWithASeed()
    {
        var g = FromPoints(0, 1, 2, 3, 100, 101, 102, 103);
        var a = BaselineClustering.KMeans(g, new KMeansOptions { Seed = 7 });
        var b = BaselineClustering.KMeans(g, new KMeansOptions { Seed = 7 });
        var sets = Indices(g, a).Select(c => string.Join(",", c)).Order().ToArray();
        Assert.Equal(["0,1,2,3", "4,5,6,7"], sets);
        Assert.Equal(Indices(g, a), Indices(g, b));
        Assert.Empty(BaselineClustering.KMeans(FromPoints(0)));
    }

    [Fact]
    public void PcaKeepsComponentsUpToTheVarianceThreshold()
    {
        // Rows on a line in 3-D: one component carries all variance.
        var x = new double[,]
        {
            { 0, 0, 0 },
            { 1, 2, 3 },
            { 2, 4, 6 },
            { 3, 6, 9 },
        };
        var p = BaselineClustering.Pca(x, 0.95);
        Assert.Single(p[0]);
        Assert.Equal(Math.Sqrt(14), Math.Abs(p[1][0] - p[0][0]), 9);
        // Two independent directions with variances 4:1 → 80 % needs one, 95 % needs two.
        var y = new double[,]
        {
            { 2, 0 },
            { -2, 0 },
            { 0, 1 },
            { 0, -1 },
        };
        Assert.Single(BaselineClustering.Pca(y, 0.8)[0]);
        Assert.Equal(2, BaselineClustering.Pca(y, 0.95)[0].Length);
    }

    [Fact]
    public void CombinationsFollowItertoolsOrder()
    {
        var c = Combinations.Of(4, 2).Select(x => string.Join("", x)).ToArray();
        Assert.Equal(["01", "02", "03", "12", "13", "23"], c);
        Assert.Equal(252, Combinations.Count(10, 5));
        Assert.Equal(91, Combinations.Count(14, 12));
        Assert.Equal(1, Combinations.Count(7, 7));
        Assert.Empty(Combinations.Of(2, 3));
    }
}
