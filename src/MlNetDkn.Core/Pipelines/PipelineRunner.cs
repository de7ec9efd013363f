using System.Diagnostics;
using static TorchSharp.torch;

namespace MlNetDkn.Pipelines;

/// <summary>Where and how to run a validated pipeline.</summary>
public sealed record PipelineRunOptions
{
    /// <summary>Output folder; null uses the definition's "output".</summary>
    public string? Output { get; init; }
    /// <summary>Model cache root; null uses <c>.cache/models</c> under the current directory.</summary>
    public string? CacheFolder { get; init; }
    /// <summary>The --set arguments, recorded in the manifest.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
}

/// <summary>
/// Runs the steps in order. The manifest is rewritten after every step (status, timing, outputs), so a run that
/// stops midway keeps everything that finished and says where it stopped.
/// </summary>
public static class PipelineRunner
{
    /// <summary>Loads, overrides and validates a pipeline file, then runs it.</summary>
    public static PipelineContext RunFile(string path, PipelineRunOptions options, IPipelineReporter reporter,
        StepRegistry? registry = null, CancellationToken cancellationToken = default)
    {
        registry ??= StepRegistry.CreateDefault();
        var definition = PipelineOverrides.Apply(PipelineDefinition.Load(path), options.Overrides, registry);
        return Run(PipelineValidator.Validate(definition, registry), options, reporter, cancellationToken);
    }

    public static PipelineContext Run(ValidatedPipeline pipeline, PipelineRunOptions options, IPipelineReporter reporter,
        CancellationToken cancellationToken = default)
    {
        var definition = pipeline.Definition;
        if (definition.Threads > 0) set_num_threads(definition.Threads);
        var manifest = new RunManifest(definition, options.Overrides);
        var context = new PipelineContext(options.Output ?? definition.Output, definition.Seed,
            options.CacheFolder ?? Training.FactModelCache.DefaultRoot, manifest, reporter, cancellationToken);
        Directory.CreateDirectory(context.OutputFolder);
        manifest.SetSection("output", context.OutputFolder);
        manifest.Save(context.OutputFolder);

        var total = Stopwatch.StartNew();
        foreach (var planned in pipeline.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = manifest.BeginStep(planned);
            context.CurrentStep = entry;
            manifest.Save(context.OutputFolder);
            reporter.Info($"[{planned.Definition.Index + 1}/{pipeline.Steps.Count}] {planned.Step.Name}");
            var clock = Stopwatch.StartNew();
            try
            {
                planned.Step.Run(context, planned.Options);
            }
            catch (Exception e)
            {
                RunManifest.EndStep(entry, e is OperationCanceledException ? "cancelled" : "failed", clock.Elapsed, e.Message);
                manifest.Finish("failed", total.Elapsed);
                manifest.Save(context.OutputFolder);
                throw;
            }
            RunManifest.EndStep(entry, "completed", clock.Elapsed);
            manifest.Save(context.OutputFolder);
        }
        context.CurrentStep = null;
        manifest.Finish("completed", total.Elapsed);
        manifest.Save(context.OutputFolder);
        return context;
    }
}
