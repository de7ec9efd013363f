using Microsoft.ML;
using MlNetDkn.ML.Planted;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines.Steps;

/// <summary>`planted-neurons`: the true knowledge neurons of each planted fact, instead of attributing them.</summary>
public sealed class PlantedNeuronsStep : IStageStep
{
    public string Name => "planted-neurons";
    public string Description => "Planted benchmark: each planted fact's true knowledge neurons (components and noise) as its knowledge neurons.";
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset, PipelineArtifacts.Model];
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.KnowledgeNeurons];

    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = new Dictionary<string, OptionSpec>
    {
        ["noise"] = OptionSpec.Bool(true, "Include each fact's noise neurons"),
        ["seed"] = OptionSpec.Int(null, "Seed of the order the neurons are listed in (default: the pipeline seed)"),
        ["truth"] = OptionSpec.Text(null, "planted_truth.json (default: beside the model)"),
    };

    public string Folder(ResolvedOptions o) => "planted-neurons";

    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c.Ml.KnowledgeNeurons().PlantedNeurons(new PlantedStageOptions
        {
            ModelPath = c.ModelPath, Load = c.Load, Folder = c.Folder, TablesFolder = Folder(o), TruthPath = o.GetStringOrNull("truth"),
            IncludeNoise = o.GetBool("noise"), Seed = o.GetInt("seed", c.Seed), Progress = c.Progress, CancellationToken = c.CancellationToken,
        });
}

/// <summary>`score-planted`: precision and recall of every DKN method of the pipeline against the planted truth.</summary>
public sealed class ScorePlantedStep : IStageStep
{
    public string Name => "score-planted";
    public string Description => "Planted benchmark: detection precision/recall and component matching of every DKN method against the truth.";
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Model, PipelineArtifacts.DegenerateNeurons];
    public IReadOnlyCollection<string> Provides => [];

    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = new Dictionary<string, OptionSpec>
    {
        ["truth"] = OptionSpec.Text(null, "planted_truth.json (default: beside the model)"),
        ["folder"] = OptionSpec.Text("planted", "Output sub-folder of the score tables"),
    };

    public string Folder(ResolvedOptions o) => o.GetString("folder");

    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c.Ml.KnowledgeNeurons().ScorePlanted(new PlantedStageOptions
        {
            ModelPath = c.ModelPath, Load = c.Load, Folder = c.Folder, TablesFolder = Folder(o), TruthPath = o.GetStringOrNull("truth"),
            Progress = c.Progress, CancellationToken = c.CancellationToken,
        });
}
