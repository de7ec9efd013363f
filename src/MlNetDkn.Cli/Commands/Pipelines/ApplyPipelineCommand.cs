using System.ComponentModel;
using Microsoft.ML;
using MlNetDkn.ML;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>`dkn apply &lt;pipeline.zip&gt; --data facts.parquet --out results.csv`: runs a saved, fitted ML.NET pipeline.</summary>
public sealed class ApplyPipelineCommand : Command<ApplyPipelineCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<pipeline>")]
        [Description("A fitted pipeline saved with mlContext.KnowledgeNeurons().Save")]
        public string Pipeline { get; init; } = "";

        [CommandOption("--data <PARQUET>")]
        [Description("Fact dataset to transform")]
        public string Data { get; init; } = "";

        [CommandOption("--out <CSV>")]
        [Description("Where to write every visible output column")]
        public string Out { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Pipeline)) throw new DknInputException($"{settings.Pipeline}: saved pipeline not found");
        if (string.IsNullOrEmpty(settings.Data) || string.IsNullOrEmpty(settings.Out)) throw new DknInputException("--data and --out are required");
        var ml = new MLContext(seed: 0);
        using var transformer = ml.KnowledgeNeurons().Load(settings.Pipeline, out _);
        var data = ml.KnowledgeNeurons().ReadFacts(settings.Data);
        DataViewCsv.Write(transformer.Transform(data), settings.Out);
        Console.Out.WriteLine($"{settings.Out}");
        return 0;
    }
}
