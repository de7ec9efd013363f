using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using MlNetDkn.Training;

namespace MlNetDkn.Tests.Training;

public class TrainCommandTests
{
    [Fact]
    public void TrainWritesALoadableFolder()
    {
        var folder = SharedPaths.TempDir("train-cli");
        var data = Path.Combine(folder, "tiny.parquet");
        TinyWorld.Dataset().Write(data);
        var model = Path.Combine(folder, "model");
        var (code, stdout, stderr) = CliRunner.Run(
            "train",
            "--data",
            data,
            "--out",
            model,
            "--layers",
            "1",
            "--hidden-size",
            "32",
            "--heads",
            "2",
            "--intermediate-size",
            "64",
            "--epochs",
            "2",
            "--batch-size",
            "64"
        );
        Assert.True(code == 0, stderr);
        Assert.Contains("trained", stdout);
        Assert.True(FactModelCache.IsComplete(model));
        using var loaded = ModelLoader.Load(model);
        Assert.Equal((1, 32, 64), (loaded.Config.NumLayers, loaded.Config.HiddenSize, loaded.Config.IntermediateSize));
        Assert.Equal(2, TrainingLog.Load(Path.Combine(model, TrainedFactModel.LogFile)).Epochs.Count);
    }

    [Theory]
    [InlineData("train: missing --data", "train", "--out", "x")]
    [InlineData(
        "--family: 'bert' is not a trainable family (expected gpt2 or llama)",
        "train",
        "--data",
        "x.parquet",
        "--out",
        "x",
        "--family",
        "bert"
    )]
    [InlineData(
        "training option hidden-size: out of range",
        "train",
        "--data",
        "x.parquet",
        "--out",
        "x",
        "--hidden-size",
        "30"
    )]
    public void BadArgumentsGiveOneLine(string expected, params string[] args)
    {
        var (code, _, stderr) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
