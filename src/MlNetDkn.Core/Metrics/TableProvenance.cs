namespace MlNetDkn.Metrics;

/// <summary>Parquet key/value metadata that ties a metric table to what produced it.</summary>
public static class TableProvenance
{
    public static IReadOnlyDictionary<string, string> Of(string modelHash, string? datasetHash, string options) => new Dictionary<string, string>
    {
        ["mlnetdkn.tool_version"] = DknTool.Version,
        ["mlnetdkn.model_sha256"] = modelHash,
        ["mlnetdkn.dataset_sha256"] = datasetHash ?? "",
        ["mlnetdkn.options"] = options,
    };
}
