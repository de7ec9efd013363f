using MlNetDkn.Facts.Synthetic;
using MlNetDkn.Training;

namespace MlNetDkn.Tests.Training;

public class FactModelTrainingOptionsDeviceTests
{
    [Fact]
    public void AnUnavailableDeviceIsAClearErrorAndTheDeviceIsPartOfTheCacheKey()
    {
        var options = new FactModelTrainingOptions
        {
            Layers = 1,
            HiddenSize = 16,
            Heads = 2,
            IntermediateSize = 32,
            Epochs = 1,
        };
        Assert.NotEqual(options.ToKeyJson(), (options with { Device = "cuda" }).ToKeyJson());
        if (TorchSharp.torch.cuda.is_available())
            return; // nothing to reject on a machine with a GPU
        var world = SyntheticWorldGenerator.Generate(new SyntheticWorldOptions { Entities = 4, Relations = 1 });
        var e = Assert.Throws<DknInputException>(() =>
            FactModelTrainer.Train(world, options with { Device = "cuda" }, null, default)
        );
        Assert.Contains("CUDA is not available", e.Message);
    }
}
