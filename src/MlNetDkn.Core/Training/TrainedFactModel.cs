using MlNetDkn.Metrics.Plots;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Training;

/// <summary>A freshly trained fact model with its tokenizer and training log; <see cref="Save"/> writes the HF
/// folder.</summary>
public sealed class TrainedFactModel(CausalLm model, WordLevelTokenizer tokenizer, TrainingLog log) : IDisposable
{
    /// <summary>File names written by <see cref="Save"/>: the Hugging Face config.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The word-level tokenizer, in the Hugging Face tokenizer.json format.</summary>
    public const string TokenizerFile = "tokenizer.json";

    /// <summary>The training log (<see cref="TrainingLog"/>).</summary>
    public const string LogFile = "training_log.json";

    /// <summary>The plot of the step losses.</summary>
    public const string LossPlotFile = "loss_curve.png";

    /// <summary>The trained model, in evaluation mode; disposed with this object.</summary>
    public CausalLm Model { get; } = model;

    /// <summary>The word-level tokenizer built from the dataset.</summary>
    public WordLevelTokenizer Tokenizer { get; } = tokenizer;

    /// <summary>How the model was trained.</summary>
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

    /// <summary>Disposes the model.</summary>
    public void Dispose() => Model.Dispose();
}
