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
        StepSettings.Specs<AttributeKnowledgeNeuronsSettings>();

    /// <summary>The fact-attribution options the step's options describe: the preset, then steps, the key=value
    /// options, threshold, share_ratio, max_prompts and answer_encoding on top.</summary>
    public static FactAttributionOptions ToOptions(AttributeKnowledgeNeuronsSettings s)
    {
        var attribution = AttributionOptions.FromPreset(s.Preset);
        if (s.Steps is int steps)
            attribution = attribution with { Steps = steps };
        attribution = AttributionOptionsText.ApplyAll(attribution, s.Options);
        var preset = s.Preset == "dkn-authors" ? FactAttributionOptions.DknAuthors : new FactAttributionOptions();
        return preset with
        {
            Attribution = attribution,
            Coarse = CoarseThreshold.Parse(s.Threshold),
            ShareRatio = s.ShareRatio,
            MaxPromptsPerFact = s.MaxPrompts ?? preset.MaxPromptsPerFact,
            Answer = s.AnswerEncoding switch
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
            var s = StepSettings.Bind<AttributeKnowledgeNeuronsSettings>(o);
            ToOptions(s).Validate();
            if (s.MaxPrompts is int m && m < 0)
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
    public string Folder(ResolvedOptions o) => StepSettings.Bind<AttributeKnowledgeNeuronsSettings>(o).Folder;

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        var s = StepSettings.Bind<AttributeKnowledgeNeuronsSettings>(o);
        return c
            .Ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(
                new KnowledgeNeuronStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = s.Folder,
                    Attribution = ToOptions(s),
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
    }
}

/// <summary>The options of <see cref="AttributeKnowledgeNeuronsStep"/>.</summary>
public sealed record AttributeKnowledgeNeuronsSettings
{
    /// <summary>Attribution preset: default, eleuther, dkn-authors, or a cheap estimator (grad-x-act, baseline-
    /// gradient, ig-N; their agreement with exact IG is in docs/performance.md).</summary>
    [StepOption(
        "Attribution preset: default, eleuther, dkn-authors, or a cheap estimator (grad-x-act, "
            + "baseline-gradient, ig-N; their agreement with exact IG is in docs/performance.md)"
    )]
    public string Preset { get; init; } = "default";

    /// <summary>Integration steps (default: the preset's).</summary>
    [StepOption("Integration steps (default: the preset's)")]
    public int? Steps { get; init; }

    /// <summary>Further attribution options as key=value,key=value (site, baseline, grid, multiplier, objective,
    /// aggregation, batch, memory-budget, fast-path, mask-token).</summary>
    [StepOption(
        "Further attribution options as key=value,key=value (site, baseline, grid, multiplier, objective, "
            + "aggregation, batch, memory-budget, fast-path, mask-token)"
    )]
    public string? Options { get; init; }

    /// <summary>Coarse cut per prompt: ratio:X, abs:X, percentile:X or topk:K.</summary>
    [StepOption("Coarse cut per prompt: ratio:X, abs:X, percentile:X or topk:K")]
    public string Threshold { get; init; } = FactAttributionOptions.Defaults.CoarseText;

    /// <summary>Keep neurons coarse in at least this fraction of a fact's prompts.</summary>
    [StepOption("Keep neurons coarse in at least this fraction of a fact's prompts")]
    public double ShareRatio { get; init; } = FactAttributionOptions.Defaults.ShareRatio;

    /// <summary>Attribute at most this many prompts per fact (0 = all; default: all, the authors' preset 1).</summary>
    [StepOption("Attribute at most this many prompts per fact (0 = all; default: all, the authors' preset 1)")]
    public int? MaxPrompts { get; init; }

    /// <summary>Target tokens: natural (leading space) or dkn-authors (lowercased, no space, BOS for SentencePiece);
    /// default: the preset's.</summary>
    [StepOption(
        "Target tokens: natural (leading space) or dkn-authors (lowercased, no space, BOS for "
            + "SentencePiece); default: the preset's",
        "natural",
        "dkn-authors"
    )]
    public string? AnswerEncoding { get; init; }

    /// <summary>Output sub-folder (tables, heatmap, resumable store).</summary>
    [StepOption("Output sub-folder (tables, heatmap, resumable store)")]
    public string Folder { get; init; } = "attribution";
}
