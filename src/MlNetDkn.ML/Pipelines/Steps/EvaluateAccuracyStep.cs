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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["batch_size"] = OptionSpec.Int(256, "Prompts per forward pass"),
            ["folder"] = OptionSpec.Text("accuracy", "Output sub-folder of the tables"),
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        if (o.GetInt("batch_size") < 1)
            yield return $"batch_size: must be at least 1 (got {o.GetInt("batch_size")})";
    }

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => o.GetString("folder");

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c
            .Ml.KnowledgeNeurons()
            .EvaluateAccuracy(
                new AccuracyStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = Folder(o),
                    BatchSize = o.GetInt("batch_size"),
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
}
