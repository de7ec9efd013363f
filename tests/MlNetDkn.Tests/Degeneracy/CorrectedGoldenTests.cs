using MlNetDkn.Degeneracy;

namespace MlNetDkn.Tests.Degeneracy;

/// <summary>The corrected graph and clustering on the golden models: consistent with the authors where they
/// agree.</summary>
public class CorrectedGoldenTests
{
    [Theory]
    [InlineData("gpt2", 0)]
    [InlineData("gpt2", 2)]
    [InlineData("llama", 2)]
    public void CorrectedGraphIsSymmetricAndClustersAreDisjoint(string arch, int prompt)
    {
        var golden = GoldenPeerDkn.Load(arch)[prompt];
        var g = StructuralGraph.Build(golden.Kn, GoldenPeerDkn.Vectors(arch), StructuralGraphOptions.Corrected);
        for (int i = 0; i < g.Count; i++)
        {
            Assert.Equal(0, g[i, i]);
            for (int j = 0; j < g.Count; j++)
            {
                Assert.Equal(g[i, j], g[j, i]);
                if (i != j)
                    Assert.True(g[i, j] > 0);
                if (i != j && golden.Kn[i].Layer == golden.Kn[j].Layer)
                    Assert.Equal(1000, g[i, j]);
            }
        }
        var clusters = NtcClustering.Cluster(g, NtcOptions.Corrected);
        var all = clusters.SelectMany(c => c).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.All(clusters, c => Assert.True(c.Count >= 2));
        Assert.All(all, n => Assert.Contains(n, golden.Kn));
    }

    [Fact]
    public void Gpt2AdjacentLayerDistancesEqualTheAuthors()
    {
        // GPT-2's orientation was right, and Δ = 1 is a direct hop in both rules; Δ = 2 differs (their pair rule).
        var golden = GoldenPeerDkn.Load("gpt2")[1];
        var g = StructuralGraph.Build(golden.Kn, GoldenPeerDkn.Vectors("gpt2"), StructuralGraphOptions.Corrected);
        int compared = 0,
            differing = 0;
        for (int i = 0; i < g.Count; i++)
        for (int j = 0; j < g.Count; j++)
        {
            int delta = Math.Abs(golden.Kn[i].Layer - golden.Kn[j].Layer);
            if (delta == 1)
            {
                Assert.Equal(golden.Adjacency[i, j], g[i, j], 1e-9 * golden.Adjacency[i, j]);
                compared++;
            }
            if (delta == 2 && Math.Abs(golden.Adjacency[i, j] - g[i, j]) > 1e-6)
                differing++;
        }
        Assert.True(compared > 100);
        Assert.True(differing > 0);
    }
}
