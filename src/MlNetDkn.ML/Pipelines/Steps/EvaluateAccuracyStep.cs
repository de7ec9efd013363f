using Microsoft.ML;
using MlNetDkn.ML.Accuracy;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines.Steps;

/// <summary>`evaluate-accuracy`: per-fact answer accuracy on prompts and held-out paraphrases; tables per split and
/// kind.</summary>
public sealed class EvaluateAccuracyStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "evaluate-accuracy";

    /// <inheritdoc/>
    public string Description =>
        "Answer accuracy per fact, split and prompt kind (greedy decoding produces the answer).";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset, PipelineArtifacts.Model];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<EvaluateAccuracySettings>();

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        var s = StepSettings.Bind<EvaluateAccuracySettings>(o);
        if (s.BatchSize < 1)
            yield return $"batch_size: must be at least 1 (got {s.BatchSize})";
    }

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => StepSettings.Bind<EvaluateAccuracySettings>(o).Folder;

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        var s = StepSettings.Bind<EvaluateAccuracySettings>(o);
        return c
            .Ml.KnowledgeNeurons()
            .EvaluateAccuracy(
                new AccuracyStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = s.Folder,
                    BatchSize = s.BatchSize,
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
    }
}

/// <summary>The options of <see cref="EvaluateAccuracyStep"/>.</summary>
public sealed record EvaluateAccuracySettings
{
    /// <summary>Prompts per forward pass.</summary>
    [StepOption("Prompts per forward pass")]
    public int BatchSize { get; init; } = 256;

    /// <summary>Output sub-folder of the tables.</summary>
    [StepOption("Output sub-folder of the tables")]
    public string Folder { get; init; } = "accuracy";
}
