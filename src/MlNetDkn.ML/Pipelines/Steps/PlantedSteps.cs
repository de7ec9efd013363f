using Microsoft.ML;
using MlNetDkn.ML.Planted;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines.Steps;

/// <summary>`planted-neurons`: the true knowledge neurons of each planted fact, instead of attributing them.</summary>
public sealed class PlantedNeuronsStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "planted-neurons";

    /// <inheritdoc/>
    public string Description =>
        "Planted benchmark: each planted fact's true knowledge neurons (components and noise) as its knowledge "
        + "neurons.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset, PipelineArtifacts.Model];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.KnowledgeNeurons];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<PlantedNeuronsSettings>();

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => "planted-neurons";

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        var s = StepSettings.Bind<PlantedNeuronsSettings>(o);
        return c
            .Ml.KnowledgeNeurons()
            .PlantedNeurons(
                new PlantedStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = Folder(o),
                    TruthPath = s.Truth,
                    IncludeNoise = s.Noise,
                    Seed = s.Seed ?? c.Seed,
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
    }
}

/// <summary>`score-planted`: precision and recall of every DKN method of the pipeline against the planted
/// truth.</summary>
public sealed class ScorePlantedStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "score-planted";

    /// <inheritdoc/>
    public string Description =>
        "Planted benchmark: detection precision/recall and component matching of every DKN method against the truth.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Model, PipelineArtifacts.DegenerateNeurons];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<ScorePlantedSettings>();

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => StepSettings.Bind<ScorePlantedSettings>(o).Folder;

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        var s = StepSettings.Bind<ScorePlantedSettings>(o);
        return c
            .Ml.KnowledgeNeurons()
            .ScorePlanted(
                new PlantedStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = s.Folder,
                    TruthPath = s.Truth,
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
    }
}

/// <summary>The options of <see cref="PlantedNeuronsStep"/>.</summary>
public sealed record PlantedNeuronsSettings
{
    /// <summary>Include each fact's noise neurons.</summary>
    [StepOption("Include each fact's noise neurons")]
    public bool Noise { get; init; } = true;

    /// <summary>Seed of the order the neurons are listed in (default: the pipeline seed).</summary>
    [StepOption("Seed of the order the neurons are listed in (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>planted_truth.json (default: beside the model).</summary>
    [StepOption("planted_truth.json (default: beside the model)")]
    public string? Truth { get; init; }
}

/// <summary>The options of <see cref="ScorePlantedStep"/>.</summary>
public sealed record ScorePlantedSettings
{
    /// <summary>planted_truth.json (default: beside the model).</summary>
    [StepOption("planted_truth.json (default: beside the model)")]
    public string? Truth { get; init; }

    /// <summary>Output sub-folder of the score tables.</summary>
    [StepOption("Output sub-folder of the score tables")]
    public string Folder { get; init; } = "planted";
}
