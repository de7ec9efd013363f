using System.ComponentModel;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>`dkn run pipeline.json [--set key=value ...] [--out DIR] [--cache DIR]`: validates, then runs every
/// step.</summary>
public class RunCommand : Command<RunCommand.Settings>
{
    /// <summary>True for `dkn merge`: join the shards' stores, then run over every fact.</summary>
    protected virtual bool Merge => false;

    public sealed class Settings : RunSettings
    {
        [CommandArgument(0, "<pipeline>")]
        [Description("Pipeline definition (JSON), e.g. pipelines/quickstart.json")]
        public string Pipeline { get; init; } = "";

        [CommandOption("-s|--set <KEY=VALUE>")]
        [Description(
            "Override: seed=3, threads=2, device=cpu, dtype=float64, output=DIR, steps.<step>.<option>=V or "
                + "steps.<index>.<option>=V (repeatable)"
        )]
        public string[] Set { get; init; } = [];

        [CommandOption("-o|--out <DIR>")]
        [Description("Output folder (default: the pipeline's \"output\")")]
        public string? Out { get; init; }

        [CommandOption("--cache <DIR>")]
        [Description("Trained-model cache folder. Default .cache/models")]
        public string? Cache { get; init; }

        [CommandOption("--validate")]
        [Description("Only check the pipeline (steps, options, --set) and print the resolved steps")]
        public bool ValidateOnly { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var registry = PipelineSteps.CreateRegistry();
        var overrides = settings.Set.Concat(settings.AsOverrides()).ToArray();
        var definition = PipelineOverrides.Apply(PipelineDefinition.Load(settings.Pipeline), overrides, registry);
        var pipeline = PipelineValidator.Validate(definition, registry);
        var variants = definition.Variants.Count > 0 ? VariantRunner.Plan(definition, settings.Out, registry) : [];
        if (settings.ValidateOnly)
        {
            Console.Out.WriteLine(
                $"{settings.Pipeline}: valid, {pipeline.Steps.Count} steps"
                    + (variants.Count > 0 ? $", {variants.Count} variants" : "")
            );
            foreach (var step in pipeline.Steps)
                Console.Out.WriteLine(
                    $"  {step.Definition.Index}: {step.Step.Name} {step.Options.ToJson().ToJsonString()}"
                );
            foreach (var v in variants)
                Console.Out.WriteLine(
                    $"  variant {v.Variant.Name}: {string.Join(" ", v.Variant.Set)} -> {v.Pipeline.Definition.Output}"
                );
            return 0;
        }
        var reporter = new ConsoleReporter();
        var runOptions = new PipelineRunOptions
        {
            Output = settings.Out,
            CacheFolder = settings.Cache,
            Overrides = overrides,
            Shard = Merge ? null : settings.ResolveShard(),
            MergeShards = Merge || settings.MergeShards,
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (variants.Count > 0)
        {
            reporter.Info(
                $"pipeline {definition.Name}: {variants.Count} variants of {pipeline.Steps.Count} steps, seed "
                    + $"{definition.Seed}, {definition.Device}/{definition.DType}"
            );
            var sweep = VariantRunner.Run(definition, variants, runOptions, reporter, cancellationToken);
            reporter.Info(
                $"done in {clock.Elapsed.TotalSeconds:0.0} s -> {sweep.OutputFolder} ({VariantRunner.SweepFile})"
            );
            return 0;
        }
        reporter.Info(
            $"pipeline {definition.Name}: {pipeline.Steps.Count} steps, seed {definition.Seed}, "
                + $"{definition.Device}/{definition.DType}"
        );
        var run = PipelineRunner.Run(pipeline, runOptions, reporter, cancellationToken);
        reporter.Info($"done in {clock.Elapsed.TotalSeconds:0.0} s -> {run.OutputFolder} ({RunManifest.FileName})");
        return 0;
    }
}

/// <summary>`dkn merge pipeline.json [--out DIR]`: join the stores of the shards under the output folder, then run the
/// pipeline over every fact (nothing already computed is computed again), writing the tables an unsharded run
/// writes.</summary>
public sealed class MergeCommand : RunCommand
{
    protected override bool Merge => true;
}
