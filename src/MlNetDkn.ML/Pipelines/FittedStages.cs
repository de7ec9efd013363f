using System.Diagnostics;
using Microsoft.ML;
using MlNetDkn.ML.Output;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Pipelines;

/// <summary>One of this library's stages inside a fitted chain, with the data that enters it.</summary>
internal sealed record FittedStage(IFactStage Stage, IDataView Input, int Index);

/// <summary>
/// Walks a fitted chain's stages in order and writes each stage's tables from the data entering it, then the
/// per-fact results table of everything: the one code path of `dkn run` and `dkn apply`, so both give the same tables.
/// </summary>
internal static class FittedStages
{
    public const string ResultsTable = "results";

    public static IReadOnlyList<FittedStage> Of(ITransformer chain, IDataView facts)
    {
        var stages = new List<FittedStage>();
        var data = facts;
        int index = 0;
        foreach (var t in Flatten(chain))
        {
            if (t is IFactStage s)
                stages.Add(new FittedStage(s, data, index++));
            data = t.Transform(data);
        }
        return stages;
    }

    /// <summary>The stage's tables folder inside an output folder.</summary>
    public static string FolderIn(string output, IFactStage stage) =>
        Path.GetFullPath(Path.Combine(output, stage.StageOptions.TablesFolder ?? DefaultFolderName(stage.StageName)));

    /// <summary>A stage's folder name when none is given: its pipeline step's name ("AttributeKnowledgeNeurons" →
    /// "attribute-knowledge-neurons").</summary>
    public static string DefaultFolderName(string stageName) =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(stageName);

    /// <summary>Writes one stage's tables; returns its outputs and the seconds it took (computing included).</summary>
    public static (StageOutputs Outputs, double Seconds) Write(FittedStage fitted, string folder, TableContext context)
    {
        var clock = Stopwatch.StartNew();
        var outputs = fitted.Stage.WriteTables(fitted.Input, folder, context);
        return (outputs, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The run's DKN acquisition table over every DKN stage (none written when there is no DKN
    /// stage).</summary>
    public static IReadOnlyList<string> WriteAcquisition(
        IReadOnlyList<FittedStage> stages,
        string output,
        IReadOnlyDictionary<string, string> metadata
    )
    {
        var dkn = stages.Where(s => s.Stage is Degeneracy.DegenerateNeuronFindingTransformer).ToList();
        if (dkn.Count == 0)
            return [];
        var rows = dkn.Select(s =>
                (
                    ((Degeneracy.DegenerateNeuronFindingTransformer)s.Stage).Definition,
                    ((Degeneracy.DegenerateNeuronFindingTransformer)s.Stage).Metrics(s.Input)
                )
            )
            .ToList();
        return Metrics.Tables.DknTables.WriteAcquisition(rows, output, metadata);
    }

    /// <summary>Every visible column of the whole chain's output, one row per fact.</summary>
    public static (string Parquet, string Csv) WriteResults(
        ITransformer chain,
        IDataView facts,
        string output,
        IReadOnlyDictionary<string, string> metadata
    ) => DataViewTables.Write(chain.Transform(facts), output, ResultsTable, metadata);

    static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];
}
