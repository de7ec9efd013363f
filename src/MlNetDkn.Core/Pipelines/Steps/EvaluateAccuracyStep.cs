using System.Globalization;
using System.Text.Json.Nodes;
using MlNetDkn.Metrics;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Training;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>
/// `evaluate-accuracy`: top-1 answer accuracy of the run's model on the run's dataset, per split and prompt kind
/// (training prompts, held-out paraphrases); writes accuracy.parquet and accuracy.csv and puts the rows
/// (IReadOnlyList&lt;AccuracyRow&gt;) in <see cref="PipelineContext.Items"/> under "accuracy".
/// </summary>
public sealed class EvaluateAccuracyStep : IPipelineStep
{
    public const string AccuracyItem = "accuracy";

    public string Name => "evaluate-accuracy";
    public string Description => "Top-1 answer accuracy per split and prompt kind; writes accuracy.parquet and accuracy.csv.";
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset, PipelineArtifacts.Model];
    public IReadOnlyCollection<string> Provides => [];

    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = new Dictionary<string, OptionSpec>
    {
        ["batch_size"] = OptionSpec.Int(256, "Prompts per forward pass"),
        ["table"] = OptionSpec.Text("accuracy", "Base name of the Parquet and CSV files in the output folder"),
    };

    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var dataset = context.RequireDataset(Name);
        var folder = context.RequireModel(Name);
        if (o.GetInt("batch_size") < 1) throw new DknInputException($"step {Name}: batch_size must be at least 1");
        using var loaded = ModelLoader.Load(folder);
        var tokenizer = TokenizerLoader.FromModelFolder(folder);
        var rows = AnswerAccuracy.Table(loaded.Model, tokenizer, dataset, o.GetInt("batch_size"));

        var table = MetricTable.From(rows)
            .Text("split", r => r.Split).Text("prompt_kind", r => r.PromptKind)
            .Integer("facts", r => r.Facts).Integer("prompts", r => r.Prompts).Integer("correct", r => r.Correct)
            .Number("accuracy", r => r.Accuracy).Build();
        var metadata = new Dictionary<string, string>
        {
            ["mlnetdkn.dataset_sha256"] = dataset.ContentHash(), ["mlnetdkn.model_sha256"] = loaded.ContentHash,
            ["mlnetdkn.tool_version"] = RunManifest.ToolVersion, ["mlnetdkn.seed"] = context.Seed.ToString(CultureInfo.InvariantCulture),
        };
        var (parquet, csv) = table.Write(context.OutputFolder, o.GetString("table"), metadata);
        context.RecordOutput("parquet", parquet);
        context.RecordOutput("csv", csv);
        context.Items[AccuracyItem] = rows;
        if (context.CurrentStep is { } entry)
            entry["results"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["split"] = r.Split, ["prompt_kind"] = r.PromptKind, ["prompts"] = r.Prompts, ["correct"] = r.Correct, ["accuracy"] = r.Accuracy,
            }).ToArray());
        foreach (var r in rows)
            context.Reporter.Info(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Split}/{r.PromptKind}: {r.Correct:N0}/{r.Prompts:N0} correct ({r.Accuracy:P1})"));
    }
}
