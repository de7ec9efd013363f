using System.ComponentModel;
using MlNetDkn.ML.Pipelines;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>`dkn apply &lt;pipeline.zip&gt; [--model DIR] --data facts.parquet --out DIR`: runs a saved, fitted
/// pipeline on other facts, writing only under --out.</summary>
public sealed class ApplyPipelineCommand : Command<ApplyPipelineCommand.Settings>
{
    public sealed class Settings : RunSettings
    {
        [CommandArgument(0, "<pipeline>")]
        [Description("A fitted pipeline: <run>/pipeline.zip, or one saved with mlContext.KnowledgeNeurons().Save")]
        public string Pipeline { get; init; } = "";

        [CommandOption("--data <PARQUET>")]
        [Description("Fact dataset to run it on")]
        public string Data { get; init; } = "";

        [CommandOption("--model <DIR>")]
        [Description(
            "The model the pipeline was fitted with, when it has moved (default: the path saved in the archive, "
                + "relative to it); refused if its content hash differs"
        )]
        public string? Model { get; init; }

        [CommandOption("--out <DIR>")]
        [Description(
            "Output folder, the only place written to: each stage's tables and store in its folder, "
                + "results.parquet/.csv with every column, apply.json"
        )]
        public string Out { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Shard is not null || settings.MergeShards)
            throw new DknInputException("apply does not shard: shard the run (dkn run --shard i/n), then merge it");
        if (string.IsNullOrEmpty(settings.Data))
            throw new DknInputException("apply: --data is required (a fact Parquet file)");
        if (string.IsNullOrEmpty(settings.Out))
            throw new DknInputException("apply: --out is required (the folder for tables and results)");
        var load =
            settings.Device is null && settings.DType is null && settings.Threads is null
                ? null
                : new Modeling.ModelLoadOptions
                {
                    Device = settings.Device ?? "cpu",
                    DType = settings.DType ?? "float32",
                    Threads = settings.Threads ?? 0,
                };
        var files = PipelineApplier.Apply(
            settings.Pipeline,
            settings.Data,
            settings.Out,
            new ConsoleReporter(),
            load: load,
            cancellationToken: cancellationToken,
            modelFolder: settings.Model
        );
        Console.Out.WriteLine($"{files.Count} files -> {settings.Out}");
        return 0;
    }
}
