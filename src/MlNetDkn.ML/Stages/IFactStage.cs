using System.Text.Json.Nodes;
using Microsoft.ML;

namespace MlNetDkn.ML.Stages;

/// <summary>Where tables come from: the dataset's content hash and the run's seed, recorded with every table.</summary>
public sealed record TableContext(string? DatasetHash, int Seed);

/// <summary>What a stage wrote: its files, a summary for the run manifest and a few lines for the console.</summary>
public sealed record StageOutputs(IReadOnlyList<string> Files, JsonObject Summary, IReadOnlyList<string> Lines);

/// <summary>What the pipeline runner, `dkn apply` and the pipeline archive need from every stage of this
/// library.</summary>
internal interface IFactStage
{
    string StageName { get; }

    /// <summary>The archive kind ("knowledge-neurons", "degenerate-neurons", ...).</summary>
    string Kind { get; }
    string ModelHash { get; }
    FactStageOptions StageOptions { get; }
    StageRuntime Runtime { get; set; }

    /// <summary>Seconds spent computing results so far.</summary>
    double ComputeSeconds { get; }

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> (the data entering the stage),
    /// computing whatever is not stored yet.</summary>
    StageOutputs WriteTables(IDataView input, string folder, TableContext context);
}
