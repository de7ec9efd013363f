using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MlNetDkn.Training;

/// <summary>One epoch of training: mean loss, accuracy seen on the fly, and a full evaluation when one ran.</summary>
/// <param name="RunningAccuracy">Top-1 on the training batches as they were trained (before each update): free, slightly pessimistic.</param>
public sealed record EpochRecord(int Epoch, double MeanLoss, double LearningRate, double RunningAccuracy,
    double? TrainAccuracy, double? HeldoutAccuracy, double Seconds);

/// <summary>Everything needed to tell how a fact model was trained; saved as training_log.json beside the weights.</summary>
public sealed record TrainingLog
{
    public required string DatasetContentHash { get; init; }
    public required int Seed { get; init; }
    /// <summary>The options as JSON (snake_case keys).</summary>
    public required JsonObject Options { get; init; }
    public required int VocabularySize { get; init; }
    public required long Parameters { get; init; }
    public required int TrainingExamples { get; init; }
    public required int HeldoutExamples { get; init; }
    public required int Threads { get; init; }
    public List<EpochRecord> Epochs { get; init; } = [];
    /// <summary>Loss of every optimiser step, in order.</summary>
    public List<double> StepLosses { get; init; } = [];
    public double FinalTrainAccuracy { get; set; }
    public double FinalHeldoutAccuracy { get; set; }
    public bool StoppedEarly { get; set; }
    public double TrainingSeconds { get; set; }
    public string StartedUtc { get; init; } = DateTime.UtcNow.ToString("O");

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static TrainingLog Load(string path) =>
        JsonSerializer.Deserialize<TrainingLog>(File.ReadAllText(path), Json) ?? throw new DknInputException($"{path}: empty training log");
}
