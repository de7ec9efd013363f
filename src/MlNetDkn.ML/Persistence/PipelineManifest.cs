using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MlNetDkn.ML.Persistence;

/// <summary>manifest.json of a saved pipeline: the stages in order, each either an ML.NET model zip inside the
/// archive or one of this library's stages described by its settings.</summary>
internal sealed class PipelineManifest
{
    public const string FormatName = "mlnetdkn.pipeline";
    public const int CurrentVersion = 1;

    [JsonPropertyName("format")] public string Format { get; set; } = FormatName;
    [JsonPropertyName("version")] public int Version { get; set; } = CurrentVersion;
    [JsonPropertyName("library_version")] public string? LibraryVersion { get; set; }
    /// <summary>An ML.NET model zip holding an empty chain and the pipeline's input schema.</summary>
    [JsonPropertyName("input_schema")] public string InputSchema { get; set; } = "";
    [JsonPropertyName("stages")] public List<StageEntry> Stages { get; set; } = [];
}

internal sealed class StageEntry
{
    public const string MlNetKind = "mlnet";
    public const string AttributionKind = "knowledge-neurons";
    public const string DknKind = "degenerate-neurons";

    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    /// <summary>For <see cref="MlNetKind"/>: the archive entry holding the ML.NET model zip.</summary>
    [JsonPropertyName("entry")] public string? Entry { get; set; }
    [JsonPropertyName("model_path")] public string? ModelPath { get; set; }
    /// <summary>SHA-256 of the model files; loading fails if the files at <see cref="ModelPath"/> no longer match.</summary>
    [JsonPropertyName("model_hash")] public string? ModelHash { get; set; }
    [JsonPropertyName("dtype")] public string? DType { get; set; }
    [JsonPropertyName("device")] public string? Device { get; set; }
    [JsonPropertyName("store_folder")] public string? StoreFolder { get; set; }
    [JsonPropertyName("prompts_column")] public string? PromptsColumn { get; set; }
    /// <summary>FactAttributionOptions or DknOptions as JSON.</summary>
    [JsonPropertyName("options")] public JsonNode? Options { get; set; }
    [JsonPropertyName("method")] public string? Method { get; set; }
    [JsonPropertyName("per_method_columns")] public bool? PerMethodColumns { get; set; }
    [JsonPropertyName("max_neurons")] public int? MaxNeurons { get; set; }
}
