using Microsoft.ML;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines;

/// <summary>What a stage step gets to build its estimator: the run's ML context, model, folder and hooks.</summary>
/// <param name="Folder">The stage's folder inside the run's output (tables and store).</param>
public sealed record StageStepContext(
    MLContext Ml,
    string ModelPath,
    ModelLoadOptions Load,
    string Folder,
    int Seed,
    IProgress<FactStageProgress>? Progress,
    CancellationToken CancellationToken
);

/// <summary>
/// A pipeline step that is one estimator of the run's ML.NET pipeline: the same estimator a C# user gets from
/// <c>mlContext.KnowledgeNeurons()</c>, with options taken from the pipeline file.
/// </summary>
public interface IStageStep : IPipelineStep
{
    /// <summary>The stage's sub-folder of the run's output.</summary>
    string Folder(ResolvedOptions options);

    /// <summary>The stage's estimator, built from the catalog with the run's model, load settings,
    /// folder and hooks.</summary>
    IEstimator<ITransformer> CreateEstimator(StageStepContext context, ResolvedOptions options);
}
