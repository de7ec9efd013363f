using MlNetDkn.Metrics.Plots;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Training;

/// <summary>A freshly trained fact model with its tokenizer and training log; <see cref="Save"/> writes the HF folder.</summary>
public sealed class TrainedFactModel(CausalLm model, WordLevelTokenizer tokenizer, TrainingLog log) : IDisposable
{
    public const string ConfigFile = "config.json";
    public const string TokenizerFile = "tokenizer.json";
    public const string LogFile = "training_log.json";
    public const string LossPlotFile = "loss_curve.png";

    public CausalLm Model { get; } = model;
    public WordLevelTokenizer Tokenizer { get; } = tokenizer;
    public TrainingLog Log { get; } = log;

    /// <summary>
    /// Writes config.json, model.safetensors, tokenizer.json, training_log.json and loss_curve.png: a folder that
    /// <see cref="ModelLoader.Load"/>, <see cref="TokenizerLoader.FromModelFolder"/> and `dkn inspect` read.
    /// </summary>
    public void Save(string folder)
    {
        HuggingFaceExport.Save(Model, folder);
        Tokenizer.Save(Path.Combine(folder, TokenizerFile));
        Log.Save(Path.Combine(folder, LogFile));
        LossCurvePlot.Save(Log, Path.Combine(folder, LossPlotFile));
    }

    public void Dispose() => Model.Dispose();
}
