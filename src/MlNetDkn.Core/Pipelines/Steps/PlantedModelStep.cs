using System.Text.Json.Nodes;
using MlNetDkn.Degeneracy.Planted;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>
/// `planted-model`: builds a model in which the degenerate knowledge neurons are known by construction
/// (<see cref="PlantedModelOptions"/>) and makes it and its facts the run's model and dataset; the truth is written
/// beside the weights (planted_truth.json) for the score-planted step.
/// </summary>
public sealed class PlantedModelStep : ISourceStep
{
    static readonly PlantedModelOptions D = new();

    /// <inheritdoc/>
    public string Name => "planted-model";

    /// <inheritdoc/>
    public string Description => "Build a model with known (planted) degenerate knowledge neurons, and its facts.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.Dataset, PipelineArtifacts.Model];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<PlantedModelSettings>();

    /// <summary>The planted-model options the step's options describe; the seed falls back to
    /// <paramref name="pipelineSeed"/>.</summary>
    public static PlantedModelOptions ToOptions(PlantedModelSettings s, int pipelineSeed) =>
        D with
        {
            Seed = s.Seed ?? pipelineSeed,
            Layers = s.Layers,
            HiddenSize = s.HiddenSize,
            IntermediateSize = s.IntermediateSize,
            DegenerateFacts = s.DegenerateFacts,
            AdditiveFacts = s.AdditiveFacts,
            SingleFacts = s.SingleFacts,
            MinComponents = s.MinComponents,
            MaxComponents = s.MaxComponents,
            MinDepth = s.MinDepth,
            MaxDepth = s.MaxDepth,
            Width = s.Width,
            NoiseNeurons = s.NoiseNeurons,
            MaxWidth = s.MaxWidth,
            AnyStartLayer = s.AnyStartLayer,
            PromptWords = s.PromptWords,
            DistinctReads = s.DistinctReads,
            Answers = s.Answers,
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(StepSettings.Bind<PlantedModelSettings>(o), 0).Validate();
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var s = StepSettings.Bind<PlantedModelSettings>(o);
        var options = ToOptions(s, context.Seed);
        var folder = context.OutputPath(Path.Combine(s.Folder, ".keep"));
        folder = Path.GetDirectoryName(folder)!;
        var (truth, facts) = context.Reporter.Track("building the planted model", _ =>
            PlantedModelBuilder.Build(options, folder)
        );
        var factsPath = context.OutputPath("facts.parquet");
        facts.Write(factsPath);
        context.SetDataset(facts, factsPath);
        context.SetModel(
            folder,
            Training.FactModelCache.ContentHash(folder),
            new JsonObject
            {
                ["family"] = "Gpt2",
                ["planted"] = true,
                ["truth"] = context.Relative(Path.Combine(folder, PlantedTruth.FileName)),
            }
        );
        context.RecordOutput("model", folder);
        context.RecordOutput("dataset", factsPath);
        int verified = truth.Facts.Count(f => f.Verified);
        context.Reporter.Info(
            $"  {truth.Facts.Count} facts ({options.DegenerateFacts} degenerate, {options.AdditiveFacts} additive, "
                + $"{options.SingleFacts} single); "
                + $"{verified} verified on the built model -> {context.Relative(folder)}"
        );
    }
}

/// <summary>The options of <see cref="PlantedModelStep"/>; the defaults are
/// <see cref="PlantedModelOptions"/>'s.</summary>
public sealed record PlantedModelSettings
{
    static readonly PlantedModelOptions D = new();

    /// <summary>Seed of the construction (default: the pipeline seed).</summary>
    [StepOption("Seed of the construction (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>Transformer blocks.</summary>
    [StepOption("Transformer blocks")]
    public int Layers { get; init; } = D.Layers;

    /// <summary>d_model (one orthogonal direction per token and relay hop).</summary>
    [StepOption("d_model (one orthogonal direction per token and relay hop)")]
    public int HiddenSize { get; init; } = D.HiddenSize;

    /// <summary>MLP neurons per layer.</summary>
    [StepOption("MLP neurons per layer")]
    public int IntermediateSize { get; init; } = D.IntermediateSize;

    /// <summary>Facts stored by several components, each enough alone.</summary>
    [StepOption("Facts stored by several components, each enough alone")]
    public int DegenerateFacts { get; init; } = D.DegenerateFacts;

    /// <summary>Facts stored by several components that are all needed.</summary>
    [StepOption("Facts stored by several components that are all needed")]
    public int AdditiveFacts { get; init; } = D.AdditiveFacts;

    /// <summary>Facts stored by one component.</summary>
    [StepOption("Facts stored by one component")]
    public int SingleFacts { get; init; } = D.SingleFacts;

    /// <summary>Fewest components of a degenerate or additive fact.</summary>
    [StepOption("Fewest components of a degenerate or additive fact")]
    public int MinComponents { get; init; } = D.MinComponents;

    /// <summary>Most components of a degenerate or additive fact.</summary>
    [StepOption("Most components of a degenerate or additive fact")]
    public int MaxComponents { get; init; } = D.MaxComponents;

    /// <summary>Fewest layers a component spans (1: all its neurons in one layer).</summary>
    [StepOption("Fewest layers a component spans (1: all its neurons in one layer)")]
    public int MinDepth { get; init; } = D.MinDepth;

    /// <summary>Most layers a component spans.</summary>
    [StepOption("Most layers a component spans")]
    public int MaxDepth { get; init; } = D.MaxDepth;

    /// <summary>Parallel neurons per hop (the fewest, with max_width).</summary>
    [StepOption("Parallel neurons per hop (the fewest, with max_width)")]
    public int Width { get; init; } = D.Width;

    /// <summary>Most parallel neurons per hop, drawn per component (0: width).</summary>
    [StepOption("Most parallel neurons per hop, drawn per component (0: width)")]
    public int MaxWidth { get; init; } = D.MaxWidth;

    /// <summary>Chains may start in any layer (not only layer 0).</summary>
    [StepOption("Chains may start in any layer (not only layer 0)")]
    public bool AnyStartLayer { get; init; } = D.AnyStartLayer;

    /// <summary>Each component reads a feature of its own in the subject's embedding.</summary>
    [StepOption("Each component reads a feature of its own in the subject's embedding")]
    public bool DistinctReads { get; init; } = D.DistinctReads;

    /// <summary>Words per prompt (filler words, then the subject).</summary>
    [StepOption("Words per prompt (filler words, then the subject)")]
    public int PromptWords { get; init; } = D.PromptWords;

    /// <summary>Neurons per fact firing for its subject without carrying its answer.</summary>
    [StepOption("Neurons per fact firing for its subject without carrying its answer")]
    public int NoiseNeurons { get; init; } = D.NoiseNeurons;

    /// <summary>Answer vocabulary.</summary>
    [StepOption("Answer vocabulary")]
    public int Answers { get; init; } = D.Answers;

    /// <summary>Model folder name inside the output folder.</summary>
    [StepOption("Model folder name inside the output folder")]
    public string Folder { get; init; } = "planted-model";
}
