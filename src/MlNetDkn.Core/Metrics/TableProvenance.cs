namespace MlNetDkn.Metrics;

/// <summary>Parquet key/value metadata that ties a metric table to what produced it.</summary>
public static class TableProvenance
{
    /// <summary>The metadata: tool version, model SHA-256, dataset SHA-256 (empty when null) and the options text,
    /// under "mlnetdkn." keys.</summary>
    public static IReadOnlyDictionary<string, string> Of(string modelHash, string? datasetHash, string options) =>
        new Dictionary<string, string>
        {
            ["mlnetdkn.tool_version"] = DknTool.Version,
            ["mlnetdkn.model_sha256"] = modelHash,
            ["mlnetdkn.dataset_sha256"] = datasetHash ?? "",
            ["mlnetdkn.options"] = options,
        };
}
