using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MlNetDkn.ML.Persistence;

/// <summary>manifest.json of a saved pipeline: the stages in order, each either an ML.NET model zip inside the
/// archive or one of this library's stages described by its options (model path inside, relative to the archive) and
/// model content hash. Version 3: every path relative to the archive's folder.</summary>
internal sealed class PipelineManifest
{
    public const string FormatName = "mlnetdkn.pipeline";
    public const int CurrentVersion = 3;

    [JsonPropertyName("format")]
    public string Format { get; set; } = FormatName;

    [JsonPropertyName("version")]
    public int Version { get; set; } = CurrentVersion;

    [JsonPropertyName("library_version")]
    public string? LibraryVersion { get; set; }

    /// <summary>An ML.NET model zip holding an empty chain and the pipeline's input schema.</summary>
    [JsonPropertyName("input_schema")]
    public string InputSchema { get; set; } = "";

    [JsonPropertyName("stages")]
    public List<StageEntry> Stages { get; set; } = [];
}

internal sealed class StageEntry
{
    public const string MlNetKind = "mlnet";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    /// <summary>For <see cref="MlNetKind"/>: the archive entry holding the ML.NET model zip.</summary>
    [JsonPropertyName("entry")]
    public string? Entry { get; set; }

    /// <summary>SHA-256 of the model files; loading refuses a model (saved path or override) whose files do not hash to
    /// it.</summary>
    [JsonPropertyName("model_hash")]
    public string? ModelHash { get; set; }

    /// <summary>The stage's options as JSON (model path and folder relative to the archive, load settings, stage
    /// options).</summary>
    [JsonPropertyName("options")]
    public JsonNode? Options { get; set; }
}
