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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["noise"] = OptionSpec.Bool(true, "Include each fact's noise neurons"),
            ["seed"] = OptionSpec.Int(null, "Seed of the order the neurons are listed in (default: the pipeline seed)"),
            ["truth"] = OptionSpec.Text(null, "planted_truth.json (default: beside the model)"),
        };

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => "planted-neurons";

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c
            .Ml.KnowledgeNeurons()
            .PlantedNeurons(
                new PlantedStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = Folder(o),
                    TruthPath = o.GetStringOrNull("truth"),
                    IncludeNoise = o.GetBool("noise"),
                    Seed = o.GetInt("seed", c.Seed),
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["truth"] = OptionSpec.Text(null, "planted_truth.json (default: beside the model)"),
            ["folder"] = OptionSpec.Text("planted", "Output sub-folder of the score tables"),
        };

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => o.GetString("folder");

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c
            .Ml.KnowledgeNeurons()
            .ScorePlanted(
                new PlantedStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = Folder(o),
                    TruthPath = o.GetStringOrNull("truth"),
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
}
