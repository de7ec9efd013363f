using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.ML.Stages;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines;

/// <summary>Where and how to run a validated pipeline.</summary>
public sealed record PipelineRunOptions
{
    /// <summary>Output folder; null uses the definition's "output".</summary>
    public string? Output { get; init; }

    /// <summary>Model cache root; null uses <c>.cache/models</c> under the current directory.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>The --set arguments, recorded in the manifest.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Run only this shard's facts, into <c>&lt;output&gt;/shard-i-of-n/</c>.</summary>
    public Shard? Shard { get; init; }

    /// <summary>Join the shards' stores found in the output folder first, then run over every fact.</summary>
    public bool MergeShards { get; init; }
}

/// <summary>What a finished run left: its folder, manifest, the sources' context and the fitted pipeline's
/// file.</summary>
public sealed record PipelineRunResult(
    string OutputFolder,
    RunManifest Manifest,
    PipelineContext Context,
    string? PipelinePath
);

/// <summary>
/// Runs a pipeline definition: the source steps produce the facts and the model, then the stage steps become one
/// ML.NET estimator chain, fitted on the facts; each stage's tables are written from the data entering it, the
/// per-fact results of the whole chain go to <c>results.parquet</c>/<c>.csv</c>, and the fitted chain is saved as
/// <c>pipeline.zip</c> (`dkn apply` runs it on other facts). The manifest is rewritten after every step, so a run that
/// stops midway keeps everything that finished and says where and why it stopped ("failed" or "cancelled").
/// </summary>
public static class PipelineRunner
{
    /// <summary>The fitted pipeline's file name in a run's output folder.</summary>
    public const string PipelineFile = "pipeline.zip";

    /// <summary>Held while a run writes to its folder.</summary>
    public const string LockFile = ".dkn-run.lock";

    /// <summary>A manifest still "running" with no run holding the folder was interrupted (killed, power cut):
    /// say so, and record it in the new manifest.</summary>
    static void NotePreviousRun(PipelineContext context, IPipelineReporter reporter)
    {
        var path = Path.Combine(context.OutputFolder, RunManifest.FileName);
        if (!File.Exists(path))
            return;
        try
        {
            var previous = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            if (previous?["status"]?.GetValue<string>() != "running")
                return;
            var last = (previous["steps"] as JsonArray)?.LastOrDefault()?["step"]?.GetValue<string>()
                ?? "before its first step";
            reporter.Info(
                $"  the previous run in this folder (started {previous["started_utc"]}) was interrupted during "
                    + $"{last}; finished work is reused"
            );
            context.Manifest.SetSection(
                "previous_run",
                new JsonObject
                {
                    ["status"] = "interrupted",
                    ["started_utc"] = previous["started_utc"]?.DeepClone(),
                    ["last_step"] = last,
                }
            );
        }
        catch (System.Text.Json.JsonException) { }
    }

    /// <summary>Loads, overrides and validates a pipeline file, then runs it.</summary>
    public static PipelineRunResult RunFile(
        string path,
        PipelineRunOptions options,
        IPipelineReporter reporter,
        CancellationToken cancellationToken = default
    )
    {
        var registry = PipelineSteps.CreateRegistry();
        var definition = PipelineOverrides.Apply(PipelineDefinition.Load(path), options.Overrides, registry);
        return Run(PipelineValidator.Validate(definition, registry), options, reporter, cancellationToken);
    }

    /// <summary>Runs a validated pipeline into the definition's output folder (the options' output folder when set):
    /// source steps, then the fitted stages, their tables, the per-fact results and <c>pipeline.zip</c>.</summary>
    public static PipelineRunResult Run(
        ValidatedPipeline pipeline,
        PipelineRunOptions options,
        IPipelineReporter reporter,
        CancellationToken cancellationToken = default
    )
    {
        var definition = pipeline.Definition;
        if (options.Shard is not null && options.MergeShards)
            throw new DknInputException("a run is either one shard (--shard) or the merge of its shards, not both");
        var output = options.Output ?? definition.Output;
        // Before the first write (lock, merge, manifest): a refusal leaves an earlier run's folder as it was.
        PipelinePreflight.Check(pipeline, options.Shard, definition.ModelLoad);
        if (options.MergeShards)
            ShardMerge.MergeStores(Path.GetFullPath(output), reporter);
        if (options.Shard is { } shard)
            output = Path.Combine(output, shard.FolderName);
        var manifest = new RunManifest(definition, options.Overrides);
        var context = new PipelineContext(
            output,
            definition.Seed,
            options.CacheFolder ?? Training.FactModelCache.DefaultRoot,
            manifest,
            reporter,
            cancellationToken,
            definition.ModelLoad
        );
        // One run per folder: a second one would race on the manifest, the tables and the stores.
        using var folderLock = FileLock.TryAcquire(Path.Combine(context.OutputFolder, LockFile))
            ?? throw new DknInputException(
                $"{context.OutputFolder}: another dkn run is writing to this folder; wait for it to finish or "
                    + $"choose another --out"
            );
        NotePreviousRun(context, reporter);
        if (definition.Threads > 0)
            TorchSharp.torch.set_num_threads(definition.Threads);
        Directory.CreateDirectory(context.OutputFolder);
        manifest.SetSection("output", context.OutputFolder);
        manifest.Save(context.OutputFolder);

        var total = Stopwatch.StartNew();
        JsonObject? entry = null;
        var clock = Stopwatch.StartNew();
        string? pipelinePath = null;
        try
        {
            foreach (var planned in pipeline.Steps.Where(s => s.Step is ISourceStep))
            {
                cancellationToken.ThrowIfCancellationRequested();
                (entry, clock) = Begin(planned, pipeline, context, reporter);
                ((ISourceStep)planned.Step).Run(context, planned.Options);
                End(entry, clock, context);
                entry = null;
            }
            if (options.Shard is { } part)
                KeepShard(context, part, reporter);
            var stages = pipeline.Steps.Where(s => s.Step is IStageStep).ToList();
            if (stages.Count > 0)
                pipelinePath = RunStages(stages, pipeline, context, reporter, cancellationToken, ref entry, ref clock);
            foreach (var planned in pipeline.Steps.Where(s => s.Step is IFinalStep))
            {
                cancellationToken.ThrowIfCancellationRequested();
                (entry, clock) = Begin(planned, pipeline, context, reporter);
                End(entry, clock, context); // finished before the report reads the manifest
                ((IFinalStep)planned.Step).Run(context, planned.Options);
                context.Manifest.Save(context.OutputFolder);
                entry = null;
            }
        }
        catch (Exception e)
        {
            string status = e is OperationCanceledException ? "cancelled" : "failed";
            if (entry != null)
                RunManifest.EndStep(entry, status, clock.Elapsed, e.Message);
            context.CurrentStep = null;
            manifest.Finish(status, total.Elapsed);
            manifest.Save(context.OutputFolder);
            throw;
        }
        context.CurrentStep = null;
        manifest.Finish("completed", total.Elapsed);
        manifest.Save(context.OutputFolder);
        if (options.Shard is null)
            Metrics.Reports.FindingsSummary.Write(context.OutputFolder);
        return new PipelineRunResult(context.OutputFolder, manifest, context, pipelinePath);
    }

    /// <summary>Narrows the run's facts to the shard's, after every source step has run.</summary>
    static void KeepShard(PipelineContext context, Shard shard, IPipelineReporter reporter)
    {
        var dataset = context.RequireDataset("--shard");
        var kept = new Facts.FactDataset(
            dataset.Records.Where(r => shard.Contains(r.FactId)),
            $"shard {shard.Index} of {shard.Count}"
        );
        var path = context.OutputPath("shard_facts.parquet");
        kept.Write(path);
        context.SetDataset(kept, path);
        context.Manifest.SetSection(
            "shard",
            new JsonObject
            {
                ["index"] = shard.Index,
                ["count"] = shard.Count,
                ["facts"] = kept.Count,
                ["of_facts"] = dataset.Count,
            }
        );
        reporter.Info($"  shard {shard.Index} of {shard.Count}: {kept.Count:N0} of {dataset.Count:N0} facts");
        if (kept.Count == 0)
            throw new DknInputException(
                $"shard {shard.Index} of {shard.Count} has no facts (the dataset has {dataset.Count}); use fewer shards"
            );
    }

    static string RunStages(
        IReadOnlyList<PlannedStep> stages,
        ValidatedPipeline pipeline,
        PipelineContext context,
        IPipelineReporter reporter,
        CancellationToken cancellationToken,
        ref JsonObject? entry,
        ref Stopwatch clock
    )
    {
        var dataset = context.RequireDataset(stages[0].Step.Name);
        var modelPath = context.RequireModel(stages[0].Step.Name);
        var ml = new MLContext(context.Seed);
        var facts = ml.KnowledgeNeurons().LoadFacts(dataset);
        var progress = new ProgressRelay();
        var estimators = stages
            .Select(planned =>
            {
                var step = (IStageStep)planned.Step;
                var folder = Path.Combine(context.OutputFolder, step.Folder(planned.Options));
                return step.CreateEstimator(
                    new StageStepContext(
                        ml,
                        modelPath,
                        context.ModelLoad,
                        folder,
                        context.Seed,
                        progress,
                        cancellationToken
                    ),
                    planned.Options
                );
            })
            .ToList();
        // Fitted one estimator at a time (what EstimatorChain.Fit does), so each stage's fit time is known.
        var fitClock = Stopwatch.StartNew();
        var transformers = new List<ITransformer>();
        var fitSeconds = new List<double>();
        IDataView flowing = facts;
        try
        {
            foreach (var estimator in estimators)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var clock1 = Stopwatch.StartNew();
                var transformer = estimator.Fit(flowing);
                fitSeconds.Add(clock1.Elapsed.TotalSeconds);
                transformers.Add(transformer);
                flowing = transformer.Transform(flowing);
            }
        }
        catch
        {
            foreach (var t in transformers)
                (t as IDisposable)?.Dispose();
            throw;
        }
        var fitted = new TransformerChain<ITransformer>([.. transformers]);
        try
        {
            context.Manifest.SetSection(
                "fit",
                new JsonObject { ["seconds"] = Math.Round(fitClock.Elapsed.TotalSeconds, 3), ["facts"] = dataset.Count }
            );
            var tableContext = new TableContext(dataset.ContentHash(), context.Seed);
            var fittedStages = FittedStages.Of(fitted, facts);
            foreach (var (planned, stage) in stages.Zip(fittedStages))
            {
                cancellationToken.ThrowIfCancellationRequested();
                (entry, clock) = Begin(planned, pipeline, context, reporter);
                var folder = FittedStages.FolderIn(context.OutputFolder, stage.Stage);
                var (outputs, _) = reporter.Track($"{planned.Step.Name}: {dataset.Count} facts", p =>
                {
                    progress.Target = new Progress(p, dataset.Count);
                    try
                    {
                        return FittedStages.Write(stage, folder, tableContext);
                    }
                    finally
                    {
                        progress.Target = null;
                    }
                });
                foreach (var f in outputs.Files)
                    context.RecordOutput(Path.GetRelativePath(context.OutputFolder, f), f);
                entry!["results"] = outputs.Summary;
                foreach (var line in outputs.Lines)
                    reporter.Info("  " + line);
                entry!["fit_seconds"] = Math.Round(fitSeconds[stage.Index], 3);
                entry!["compute_seconds"] = Math.Round(stage.Stage.ComputeSeconds, 3);
                End(entry, clock, context);
                entry = null;
            }
            var runMetadata = Metrics.TableProvenance.Of(
                context.ModelContentHash ?? "",
                dataset.ContentHash(),
                "pipeline " + pipeline.Definition.Name
            );
            var acquisition = FittedStages.WriteAcquisition(fittedStages, context.OutputFolder, runMetadata);
            if (acquisition.Count > 0)
                reporter.Info(
                    $"  DKN acquisition table (every DKN step side by side) -> {context.Relative(acquisition[1])}"
                );
            var (parquet, csv) = FittedStages.WriteResults(fitted, facts, context.OutputFolder, runMetadata);
            var path = Path.Combine(context.OutputFolder, PipelineFile);
            ml.KnowledgeNeurons().Save(fitted, facts.Schema, path);
            context.Manifest.SetSection(
                "fitted_pipeline",
                new JsonObject
                {
                    ["fitted"] = PipelineFile,
                    ["results"] = new JsonArray(context.Relative(parquet), context.Relative(csv)),
                    ["apply"] = $"dkn apply {context.Relative(path)} --data <facts.parquet> --out <folder>",
                }
            );
            reporter.Info(
                $"  fitted pipeline -> {context.Relative(path)}; per-fact results -> {context.Relative(csv)}"
            );
            return path;
        }
        finally
        {
            (fitted as IDisposable)?.Dispose();
        }
    }

    static (JsonObject Entry, Stopwatch Clock) Begin(
        PlannedStep planned,
        ValidatedPipeline pipeline,
        PipelineContext context,
        IPipelineReporter reporter
    )
    {
        var entry = context.Manifest.BeginStep(planned);
        context.CurrentStep = entry;
        context.Manifest.Save(context.OutputFolder);
        reporter.Info($"[{planned.Definition.Index + 1}/{pipeline.Steps.Count}] {planned.Step.Name}");
        return (entry, Stopwatch.StartNew());
    }

    static void End(JsonObject entry, Stopwatch clock, PipelineContext context)
    {
        RunManifest.EndStep(entry, "completed", clock.Elapsed);
        context.CurrentStep = null;
        context.Manifest.Save(context.OutputFolder);
    }

    /// <summary>Forwards stage progress to whichever step is writing its tables now.</summary>
    sealed class ProgressRelay : IProgress<FactStageProgress>
    {
        public IProgress<FactStageProgress>? Target { get; set; }

        public void Report(FactStageProgress value) => Target?.Report(value);
    }

    sealed class Progress(IProgress<StepProgress> inner, int total) : IProgress<FactStageProgress>
    {
        public void Report(FactStageProgress p) =>
            inner.Report(
                new StepProgress(p.Computed + p.Reused, total, $"{p.Computed} computed, {p.Reused} from the store")
            );
    }
}
