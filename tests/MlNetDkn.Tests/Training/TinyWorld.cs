using MlNetDkn.Facts;
using MlNetDkn.Facts.Synthetic;
using MlNetDkn.Modeling;
using MlNetDkn.Training;

namespace MlNetDkn.Tests.Training;

/// <summary>A 20-subject × 2-relation world (40 facts, 160 prompts) and a model small enough to learn it in
/// seconds.</summary>
internal static class TinyWorld
{
    public static FactDataset Dataset() =>
        SyntheticWorldGenerator.Generate(new SyntheticWorldOptions { Entities = 20, Relations = 2 });

    public static FactModelTrainingOptions Options(int epochs = 40) =>
        new()
        {
            Family = ModelFamily.Gpt2,
            Layers = 2,
            HiddenSize = 64,
            Heads = 4,
            IntermediateSize = 128,
            MaxPositions = 16,
            Epochs = epochs,
            BatchSize = 32,
            LearningRate = 5e-3,
            Loss = LossTarget.All,
            EvalEvery = 5,
            StopAtAccuracy = 0.995,
            Seed = 11,
        };
}

/// <summary>One tiny model trained once and shared by the tests of a class.</summary>
public sealed class TrainedTinyModel : IDisposable
{
    public FactDataset Dataset { get; } = TinyWorld.Dataset();
    public TrainedFactModel Trained { get; }
    public string Folder { get; }

    public TrainedTinyModel()
    {
        Trained = FactModelTrainer.Train(Dataset, TinyWorld.Options());
        Folder = Support.SharedPaths.TempDir("tiny-fact-model");
        Trained.Save(Folder);
    }

    public void Dispose() => Trained.Dispose();
}
