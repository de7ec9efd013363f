using MlNetDkn.Degeneracy;
using MlNetDkn.Modeling;
using MlNetDkn.Perturbation;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Degeneracy;

/// <summary>
/// The whole DKN acquisition on a loaded model reproduces the authors' outputs: the structural graph read from the
/// runtime's weights equals `adjacency`, their probability equals the probe's P0 (1e-9 relative, float64), and the
/// functional filter over `dkn_cluster_1` yields `dkn_cluster_2`.
/// </summary>
public class GoldenDknPipelineTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void RuntimeReproducesAuthorsGraphProbabilityAndFilter(string arch)
    {
        using var loaded = GoldenModels.Load(arch);
        var vectors = new ModelNeuronVectors(loaded.Model);
        foreach (var peer in PeerDknPrompt.Load(arch))
        {
            var graph = StructuralGraph.Build(
                peer.Kn,
                vectors,
                StructuralGraphOptions.DknAuthors(llamaOrientation: arch == "llama")
            );
            for (int i = 0; i < peer.Kn.Length; i++)
            for (int j = 0; j < peer.Kn.Length; j++)
                Assert.True(
                    Math.Abs(graph[i, j] - peer.Adjacency[i][j]) <= 1e-9 * Math.Max(1, Math.Abs(peer.Adjacency[i][j]))
                );

            using var probe = new PrefixCacheProbe(loaded.Model, peer.PromptTokens, [peer.TargetToken], NeuronSite.Pre);
            Assert.Equal(peer.Prob, probe.BaselineProbability(), 1e-9 * peer.Prob);

            var clusters = NtcClustering.Cluster(graph, NtcOptions.DknAuthors);
            Assert.Equal(peer.Cluster1.Select(c => c.ToList()), clusters.Select(c => c.ToList()));
            var filtered = FunctionalCheck.Run(clusters, probe, FunctionalCheckOptions.DknAuthorsLenient);
            Assert.Equal(peer.Cluster2.Select(c => c.ToList()), filtered.Dkn.Select(c => c.ToList()));
        }
    }

    [Fact]
    public void BatchedProbeEqualsOneConfigurationAtATime()
    {
        using var loaded = GoldenModels.Load("gpt2");
        var prompt = GoldenModels.Sequence(2);
        using var probe = new PrefixCacheProbe(loaded.Model, prompt[..^2], prompt[^2..], NeuronSite.Post);
        var configurations = new IReadOnlyCollection<Neuron>[]
        {
            [new(0, 3)],
            [new(1, 7), new(2, 11)],
            [],
            [new(0, 40), new(1, 100)],
        };
        var batched = probe.SuppressedProbabilities(configurations);
        for (int i = 0; i < configurations.Length; i++)
        {
            var single = probe.SuppressedProbabilities([configurations[i]])[0];
            Assert.Equal(single, batched[i], 1e-12);
            // Independent check by full recomputation with the same scaling at the answer positions.
            Assert.Equal(FullRecompute(loaded.Model, prompt, 2, configurations[i]), batched[i], 1e-10);
        }
        Assert.True(Math.Abs(batched[1] - batched[2]) > 1e-6 * batched[2], "suppression must change the probability");
    }

    static double FullRecompute(CausalLm model, long[] sequence, int answerLength, IReadOnlyCollection<Neuron> neurons)
    {
        int promptLength = sequence.Length - answerLength;
        var positions = MlNetDkn.Modeling.Interventions.TokenPositions.At(
            Enumerable.Range(promptLength - 1, answerLength).ToArray()
        );
        var edits = neurons
            .GroupBy(n => n.Layer)
            .Select(g =>
                (MlNetDkn.Modeling.Interventions.NeuronIntervention)
                    new MlNetDkn.Modeling.Interventions.ScaleNeurons(
                        g.Key,
                        NeuronSite.Post,
                        g.Select(n => n.Index).ToArray(),
                        0.0,
                        positions
                    )
            )
            .ToArray();
        using var scope = TorchSharp.torch.NewDisposeScope();
        using (model.Intervene(edits))
        {
            var logProbs = model.Forward(TorchSharp.torch.tensor(sequence).unsqueeze(0))[0].log_softmax(-1);
            double total = 0;
            for (int t = 0; t < answerLength; t++)
                total += logProbs[promptLength - 1 + t, sequence[promptLength + t]].item<double>();
            return Math.Exp(total);
        }
    }
}
