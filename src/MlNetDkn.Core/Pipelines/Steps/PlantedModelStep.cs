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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["seed"] = OptionSpec.Int(null, "Seed of the construction (default: the pipeline seed)"),
            ["layers"] = OptionSpec.Int(D.Layers, "Transformer blocks"),
            ["hidden_size"] = OptionSpec.Int(
                D.HiddenSize,
                "d_model (one orthogonal direction per token and relay hop)"
            ),
            ["intermediate_size"] = OptionSpec.Int(D.IntermediateSize, "MLP neurons per layer"),
            ["degenerate_facts"] = OptionSpec.Int(
                D.DegenerateFacts,
                "Facts stored by several components, each enough alone"
            ),
            ["additive_facts"] = OptionSpec.Int(
                D.AdditiveFacts,
                "Facts stored by several components that are all needed"
            ),
            ["single_facts"] = OptionSpec.Int(D.SingleFacts, "Facts stored by one component"),
            ["min_components"] = OptionSpec.Int(D.MinComponents, "Fewest components of a degenerate or additive fact"),
            ["max_components"] = OptionSpec.Int(D.MaxComponents, "Most components of a degenerate or additive fact"),
            ["min_depth"] = OptionSpec.Int(
                D.MinDepth,
                "Fewest layers a component spans (1: all its neurons in one layer)"
            ),
            ["max_depth"] = OptionSpec.Int(D.MaxDepth, "Most layers a component spans"),
            ["width"] = OptionSpec.Int(D.Width, "Parallel neurons per hop (the fewest, with max_width)"),
            ["max_width"] = OptionSpec.Int(D.MaxWidth, "Most parallel neurons per hop, drawn per component (0: width)"),
            ["any_start_layer"] = OptionSpec.Bool(D.AnyStartLayer, "Chains may start in any layer (not only layer 0)"),
            ["distinct_reads"] = OptionSpec.Bool(
                D.DistinctReads,
                "Each component reads a feature of its own in the subject's embedding"
            ),
            ["prompt_words"] = OptionSpec.Int(D.PromptWords, "Words per prompt (filler words, then the subject)"),
            ["noise_neurons"] = OptionSpec.Int(
                D.NoiseNeurons,
                "Neurons per fact firing for its subject without carrying its answer"
            ),
            ["answers"] = OptionSpec.Int(D.Answers, "Answer vocabulary"),
            ["folder"] = OptionSpec.Text("planted-model", "Model folder name inside the output folder"),
        };

    /// <summary>The planted-model options the step's options describe; the seed falls back to
    /// <paramref name="pipelineSeed"/>.</summary>
    public static PlantedModelOptions ToOptions(ResolvedOptions o, int pipelineSeed) =>
        D with
        {
            Seed = o.GetInt("seed", pipelineSeed),
            Layers = o.GetInt("layers"),
            HiddenSize = o.GetInt("hidden_size"),
            IntermediateSize = o.GetInt("intermediate_size"),
            DegenerateFacts = o.GetInt("degenerate_facts"),
            AdditiveFacts = o.GetInt("additive_facts"),
            SingleFacts = o.GetInt("single_facts"),
            MinComponents = o.GetInt("min_components"),
            MaxComponents = o.GetInt("max_components"),
            MinDepth = o.GetInt("min_depth"),
            MaxDepth = o.GetInt("max_depth"),
            Width = o.GetInt("width"),
            NoiseNeurons = o.GetInt("noise_neurons"),
            MaxWidth = o.GetInt("max_width"),
            AnyStartLayer = o.GetBool("any_start_layer"),
            PromptWords = o.GetInt("prompt_words"),
            DistinctReads = o.GetBool("distinct_reads"),
            Answers = o.GetInt("answers"),
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(o, 0).Validate();
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
        var options = ToOptions(o, context.Seed);
        var folder = context.OutputPath(Path.Combine(o.GetString("folder"), ".keep"));
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
