using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using MlNetDkn.Training;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Training;

public class TrainingEdgeTests
{
    [Fact]
    public void LlamaFamilySavesAndReloadsWithIdenticalLogits()
    {
        var options = TinyWorld.Options(epochs: 1) with { Family = ModelFamily.Llama, Loss = LossTarget.Answer };
        using var trained = FactModelTrainer.Train(TinyWorld.Dataset(), options);
        var folder = SharedPaths.TempDir("tiny-llama");
        trained.Save(folder);
        using var loaded = ModelLoader.Load(folder);
        Assert.Equal(ModelFamily.Llama, loaded.Config.Family);
        using var tokens = tensor(new long[] { 5, 9, 17, 4 }).unsqueeze(0);
        using var noGrad = no_grad();
        using var expected = trained.Model.Forward(tokens);
        using var actual = loaded.Model.Forward(tokens);
        Assert.Equal(0.0, (expected - actual).abs().max().item<float>());
    }

    [Fact]
    public void OptionsOutOfRangeNameTheOption()
    {
        var e = Assert.Throws<DknInputException>(() =>
            FactModelTrainer.Train(TinyWorld.Dataset(), TinyWorld.Options() with { HiddenSize = 30, Heads = 4 })
        );
        Assert.Contains("hidden-size", e.Message);
        e = Assert.Throws<DknInputException>(() =>
            FactModelTrainer.Train(TinyWorld.Dataset(), TinyWorld.Options() with { MaxPositions = 4 })
        );
        Assert.Contains("max-positions", e.Message);
    }

    [Fact]
    public void ScheduleWarmsUpThenDecaysToTheFloor()
    {
        var lrs = Enumerable
            .Range(0, 100)
            .Select(s =>
                MlNetDkn.Training.Internal.LearningRates.At(s, 100, 1.0, 0.1, 0.1, LearningRateSchedule.Cosine)
            )
            .ToArray();
        Assert.Equal(0.1, lrs[0], 9); // first warm-up step
        Assert.Equal(1.0, lrs[10], 9); // peak right after warm-up
        Assert.Equal(0.1, lrs[99], 9); // floor at the last step
        Assert.True(lrs.Skip(10).Zip(lrs.Skip(11)).All(p => p.First >= p.Second));
    }
}
