using System.Text.Json.Nodes;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Cli;

public class AttributeCommandTests
{
    [Fact]
    public void EleutherJsonEqualsTheirScoresAndCoarseNeurons()
    {
        var peer = SafetensorsFile.Open(Path.Combine(SharedPaths.Golden, "gpt2", "peer_eleuther.safetensors"));
        var (code, stdout, stderr) = CliRunner.Run(
            "attribute",
            "--model",
            GoldenModels.Folder("gpt2"),
            "--tokens",
            "3,17,42,9,100",
            "--target-token",
            "7",
            "--preset",
            "eleuther",
            "--threshold",
            "ratio:0.3",
            "--dtype",
            "float64",
            "--json"
        );
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        var reference = peer.Read("seq0.scores").to_type(TorchSharp.torch.ScalarType.Float64);
        double scale = reference.abs().max().item<double>();
        for (int l = 0; l < 3; l++)
        {
            var ours = json["scores"]![l]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            var theirs = reference[l].data<double>().ToArray();
            Assert.True(ours.Zip(theirs).Max(p => Math.Abs(p.First - p.Second)) <= 1e-6 * scale);
        }
        var coarse = peer.Read("seq0.coarse").to_type(TorchSharp.torch.ScalarType.Int64);
        var expected = Enumerable
            .Range(0, (int)coarse.shape[0])
            .Select(i => (coarse[i, 0].item<long>(), coarse[i, 1].item<long>()))
            .OrderBy(x => x)
            .ToList();
        var selected = json["selected"]!
            .AsArray()
            .Select(n => (n!["layer"]!.GetValue<long>(), n["index"]!.GetValue<long>()))
            .OrderBy(x => x)
            .ToList();
        Assert.Equal(expected, selected);
    }

    [Fact]
    public void UnknownPresetAndOptionAreOneLineErrors()
    {
        var (code, _, stderr) = CliRunner.Run(
            "attribute",
            "--model",
            GoldenModels.Folder("gpt2"),
            "--tokens",
            "3",
            "--target-token",
            "7",
            "--preset",
            "nope"
        );
        Assert.Equal(2, code);
        Assert.Contains("unknown attribution preset 'nope'", stderr);
        (code, _, stderr) = CliRunner.Run(
            "attribute",
            "--model",
            GoldenModels.Folder("gpt2"),
            "--tokens",
            "3",
            "--target-token",
            "7",
            "-o",
            "grid=trapezoid"
        );
        Assert.Equal(2, code);
        Assert.Contains("left-riemann, linspace, midpoint", stderr);
    }
}
