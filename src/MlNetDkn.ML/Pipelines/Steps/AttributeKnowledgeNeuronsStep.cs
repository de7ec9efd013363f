using Microsoft.ML;
using MlNetDkn.Attribution;
using MlNetDkn.ML.Attribution;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines.Steps;

/// <summary>`attribute-knowledge-neurons`: integrated gradients for every prompt of every fact, knowledge neurons
/// refined across each fact's prompts; tables, heatmap and the resumable store in its folder.</summary>
public sealed class AttributeKnowledgeNeuronsStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "attribute-knowledge-neurons";

    /// <inheritdoc/>
    public string Description =>
        "Integrated gradients over MLP neurons for every fact; knowledge neurons refined across paraphrases.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset, PipelineArtifacts.Model];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.KnowledgeNeurons];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["preset"] = OptionSpec.Text(
                "default",
                "Attribution preset: default, eleuther, dkn-authors, or a cheap estimator (grad-x-act, "
                    + "baseline-gradient, ig-N; their agreement with exact IG is in docs/performance.md)"
            ),
            ["steps"] = OptionSpec.Int(null, "Integration steps (default: the preset's)"),
            ["options"] = OptionSpec.Text(
                null,
                "Further attribution options as key=value,key=value (site, baseline, grid, multiplier, objective, "
                    + "aggregation, batch, memory-budget, fast-path, mask-token)"
            ),
            ["threshold"] = OptionSpec.Text(
                FactAttributionOptions.Defaults.CoarseText,
                "Coarse cut per prompt: ratio:X, abs:X, percentile:X or topk:K"
            ),
            ["share_ratio"] = OptionSpec.Number(
                FactAttributionOptions.Defaults.ShareRatio,
                "Keep neurons coarse in at least this fraction of a fact's prompts"
            ),
            ["max_prompts"] = OptionSpec.Int(
                null,
                "Attribute at most this many prompts per fact (0 = all; default: all, the authors' preset 1)"
            ),
            ["answer_encoding"] = OptionSpec.Text(
                null,
                "Target tokens: natural (leading space) or dkn-authors (lowercased, no space, BOS for "
                    + "SentencePiece); default: the preset's",
                "natural",
                "dkn-authors"
            ),
            ["folder"] = OptionSpec.Text("attribution", "Output sub-folder (tables, heatmap, resumable store)"),
        };

    /// <summary>The fact-attribution options the step's options describe: the preset, then steps, the key=value
    /// options, threshold, share_ratio, max_prompts and answer_encoding on top.</summary>
    public static FactAttributionOptions ToOptions(ResolvedOptions o)
    {
        var attribution = AttributionOptions.FromPreset(o.GetString("preset"));
        if (o.Values["steps"] is int s)
            attribution = attribution with { Steps = s };
        attribution = AttributionOptionsText.ApplyAll(attribution, o.GetStringOrNull("options"));
        var preset =
            o.GetString("preset") == "dkn-authors" ? FactAttributionOptions.DknAuthors : new FactAttributionOptions();
        return preset with
        {
            Attribution = attribution,
            Coarse = CoarseThreshold.Parse(o.GetString("threshold")),
            ShareRatio = o.GetDouble("share_ratio"),
            MaxPromptsPerFact = o.Values["max_prompts"] is int m ? m : preset.MaxPromptsPerFact,
            Answer = o.GetStringOrNull("answer_encoding") switch
            {
                "natural" => Modeling.Tokenization.AnswerEncoding.Natural,
                "dkn-authors" => Modeling.Tokenization.AnswerEncoding.DknAuthors,
                _ => preset.Answer,
            },
        };
    }

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(o).Validate();
            if (o.Values["max_prompts"] is int m && m < 0)
                error = $"max_prompts: must be 0 (all) or more (got {m})";
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => o.GetString("folder");

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c
            .Ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(
                new KnowledgeNeuronStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = Folder(o),
                    Attribution = ToOptions(o),
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
}
