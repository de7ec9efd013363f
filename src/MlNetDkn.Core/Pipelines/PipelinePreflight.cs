using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Pipelines;

/// <summary>
/// Checks a validated pipeline's model and facts before anything is written to its output folder, so a refusal
/// leaves a previous run there untouched: the model is loaded once (config, complete weight files, finite weights)
/// and every fact is encoded with its tokenizer (answers it knows, ids inside the model's vocabulary, prompts that
/// fit the model's positions). What only a running step produces (a synthetic world, a trained model) is checked
/// when it runs.
/// </summary>
public static class PipelinePreflight
{
    /// <summary>Throws a <see cref="DknInputException"/> naming the first problem; returns what it previewed.</summary>
    /// <param name="shard">The run's shard, whose facts alone are checked; null for every fact.</param>
    public static SourcePreview Check(ValidatedPipeline pipeline, Shard? shard, ModelLoadOptions load)
    {
        var preview = new SourcePreview(pipeline.Definition.Seed);
        foreach (var planned in pipeline.Steps.Where(s => s.Step is ISourceStep))
        {
            if (planned.Step is IPreviewableSource source)
            {
                source.Preview(preview, planned.Options);
                continue;
            }
            // Made only when the step runs: unknown until then.
            if (planned.Step.Provides.Contains(PipelineArtifacts.Dataset))
                preview.Dataset = null;
            if (planned.Step.Provides.Contains(PipelineArtifacts.Model))
                preview.ModelFolder = null;
        }
        if (shard != null && preview.Dataset is { } all)
        {
            preview.Dataset = new Facts.FactDataset(all.Records.Where(r => shard.Contains(r.FactId)), "shard");
            if (preview.Dataset.Count == 0)
                throw new DknInputException(
                    $"shard {shard.Index} of {shard.Count} has no facts (the dataset has {all.Count}); use fewer shards"
                );
        }
        if (preview.ModelFolder is not { } model)
            return preview;
        // On the CPU whatever the run's device: this load only checks the files, and is freed at once.
        using var loaded = ModelLoader.Load(model, load with { Device = "cpu" });
        bool hasStages = pipeline.Steps.Any(s => s.Step is not ISourceStep and not IFinalStep);
        if (hasStages && preview.Dataset is { Count: > 0 } dataset)
            FactEncodingCheck.Check(
                dataset,
                preview.DatasetPath ?? "the facts",
                loaded.Config,
                TokenizerLoader.FromModelFolder(model)
            );
        return preview;
    }
}
