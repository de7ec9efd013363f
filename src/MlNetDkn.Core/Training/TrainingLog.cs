using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MlNetDkn.Training;

/// <summary>One epoch of training: mean loss, accuracy seen on the fly, and a full evaluation when one ran.</summary>
/// <param name="RunningAccuracy">Top-1 on the training batches as they were trained (before each update): free,
/// slightly pessimistic.</param>
public sealed record EpochRecord(
    int Epoch,
    double MeanLoss,
    double LearningRate,
    double RunningAccuracy,
    double? TrainAccuracy,
    double? HeldoutAccuracy,
    double Seconds
);

/// <summary>Everything needed to tell how a fact model was trained; saved as training_log.json beside the
/// weights.</summary>
public sealed record TrainingLog
{
    /// <summary>Content hash of the dataset trained on (<see cref="Facts.FactDataset.ContentHash"/>).</summary>
    public required string DatasetContentHash { get; init; }

    /// <summary>The options' seed.</summary>
    public required int Seed { get; init; }

    /// <summary>The options as JSON (snake_case keys).</summary>
    public required JsonObject Options { get; init; }

    /// <summary>Words in the word-level vocabulary built from the dataset, special tokens included.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Scalar entries over the model's parameter tensors, as <c>parameters()</c> lists them.</summary>
    public required long Parameters { get; init; }

    /// <summary>Training prompts (each with its answer) trained on.</summary>
    public required int TrainingExamples { get; init; }

    /// <summary>Held-out paraphrases scored for held-out accuracy.</summary>
    public required int HeldoutExamples { get; init; }

    /// <summary>libtorch CPU threads in use during training.</summary>
    public required int Threads { get; init; }

    /// <summary>One record per epoch run, in order.</summary>
    public List<EpochRecord> Epochs { get; init; } = [];

    /// <summary>Loss of every optimiser step, in order.</summary>
    public List<double> StepLosses { get; init; } = [];

    /// <summary>Training-prompt accuracy at the last full evaluation, in [0, 1].</summary>
    public double FinalTrainAccuracy { get; set; }

    /// <summary>Held-out accuracy at the last full evaluation; NaN when the dataset has no held-out prompts.</summary>
    public double FinalHeldoutAccuracy { get; set; }

    /// <summary>Whether training stopped before the last epoch on reaching the options' stop-at accuracy.</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>Wall-clock seconds of the whole training, tokenizer and evaluations included.</summary>
    public double TrainingSeconds { get; set; }

    /// <summary>When training started, ISO 8601 round-trip format, UTC.</summary>
    public string StartedUtc { get; init; } = DateTime.UtcNow.ToString("O");

    /// <summary>Serializer settings of training_log.json: indented, snake_case names, NaN and infinities as
    /// strings.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the log as JSON to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a log written by <see cref="Save"/>; throws <see cref="DknInputException"/> when the file holds
    /// JSON null.</summary>
    public static TrainingLog Load(string path) =>
        JsonSerializer.Deserialize<TrainingLog>(File.ReadAllText(path), Json)
        ?? throw new DknInputException($"{path}: empty training log");
}
