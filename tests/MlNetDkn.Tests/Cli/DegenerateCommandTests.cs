using System.Text.Json.Nodes;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Cli;

public class DegenerateCommandTests
{
    static Neuron[] ParseNeurons(JsonNode node) =>
        node.AsArray().Select(p => new Neuron(p![0]!.GetValue<int>(), p[1]!.GetValue<int>())).ToArray();

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void AuthorsPresetReproducesTheirGraphClustersAndFilter(string arch)
    {
        foreach (var peer in PeerDknPrompt.Load(arch))
        {
            var (code, stdout, stderr) = CliRunner.Run(
                "degenerate",
                "--model",
                GoldenModels.Folder(arch),
                "--tokens",
                string.Join(",", peer.PromptTokens),
                "--target-token",
                $"{peer.TargetToken}",
                "--neurons",
                string.Join(",", peer.Kn.Select(n => n.ToString())),
                "--preset",
                "dkn-authors",
                "--methods",
                "ntc",
                "--dtype",
                "float64",
                "--json"
            );
            Assert.True(code == 0, stderr);
            var json = JsonNode.Parse(stdout)!;
            var matrix = json["distance_matrix"]!.AsArray();
            for (int i = 0; i < peer.Kn.Length; i++)
            for (int j = 0; j < peer.Kn.Length; j++)
            {
                double ours = matrix[i]![j]!.GetValue<double>(),
                    theirs = peer.Adjacency[i][j];
                Assert.True(Math.Abs(ours - theirs) <= 1e-9 * Math.Max(1, Math.Abs(theirs)));
            }
            Assert.Equal(peer.Prob, json["baseline_probability"]!.GetValue<double>(), 1e-9 * peer.Prob);
            var ntc = json["methods"]![0]!;
            Assert.Equal(
                peer.Cluster1.Select(c => c.ToList()),
                ntc["clusters"]!.AsArray().Select(c => ParseNeurons(c!).ToList())
            );
            Assert.Equal(
                peer.Cluster2.Select(c => c.ToList()),
                ntc["components"]!.AsArray().Select(c => ParseNeurons(c!).ToList())
            );
        }
    }

    [Fact]
    public void NeuronOutsideTheModelIsAClearError()
    {
        var (code, _, stderr) = CliRunner.Run(
            "degenerate",
            "--model",
            GoldenModels.Folder("gpt2"),
            "--tokens",
            "3,17",
            "--target-token",
            "7",
            "--neurons",
            "0:1,7:3"
        );
        Assert.Equal(2, code);
        Assert.Contains("neuron 7:3 is outside the model", stderr);
    }
}
