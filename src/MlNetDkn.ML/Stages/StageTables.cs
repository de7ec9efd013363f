using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetDkn.Metrics;

namespace MlNetDkn.ML.Stages;

/// <summary>Provenance and manifest summaries, the same for every stage's tables.</summary>
internal static class StageTables
{
    static readonly JsonSerializerOptions Snake = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Parquet metadata of a stage's tables: tool version, model and dataset hashes, seed, the stage and
    /// every option that changes its numbers.</summary>
    public static IReadOnlyDictionary<string, string> Provenance<TOptions>(
        IFactStage stage,
        TableContext context,
        TOptions options
    )
    {
        var metadata = new Dictionary<string, string>(
            TableProvenance.Of(stage.ModelHash, context.DatasetHash, OptionsJson.Canonical(options))
        )
        {
            ["mlnetdkn.stage"] = stage.StageName,
            ["mlnetdkn.seed"] = context.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["mlnetdkn.model_path"] = stage.StageOptions.ModelPath,
            ["mlnetdkn.model_load"] = OptionsJson.Canonical(stage.StageOptions.Load),
        };
        return metadata;
    }

    /// <summary>A metrics object as snake_case JSON, with extra counts.</summary>
    public static JsonObject Summary(object metrics, params (string Name, int Value)[] extra)
    {
        var node = JsonSerializer.SerializeToNode(metrics, metrics.GetType(), Snake)!.AsObject();
        foreach (var (name, value) in extra)
            node[name] = value;
        return node;
    }
}
