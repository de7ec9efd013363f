namespace MlNetDkn.Attribution;

/// <summary>Attribution of a whole fact: the per-prompt options, the coarse cut and the refinement across
/// paraphrases.</summary>
public sealed record FactAttributionOptions
{
    /// <summary>The one source of these options' defaults (the CLI's flags and the pipeline step's options use
    /// them).</summary>
    public static class Defaults
    {
        /// <summary>The coarse cut as text (<see cref="CoarseThreshold.Parse"/>): ratio 0.2 of the maximum, the DKN
        /// authors'.</summary>
        public const string CoarseText = "ratio:0.2";

        /// <summary>Keep neurons coarse in at least half of a fact's prompts.</summary>
        public const double ShareRatio = 0.5;
    }

    /// <summary>How each prompt is attributed (the corrected default preset unless set).</summary>
    public AttributionOptions Attribution { get; init; } = AttributionOptions.Default;

    /// <summary>Coarse knowledge neurons per prompt (the DKN authors: ratio 0.2 of the maximum).</summary>
    public CoarseThreshold Coarse { get; init; } = CoarseThreshold.Parse(Defaults.CoarseText);

    /// <summary>Refinement: keep neurons coarse in at least this fraction of the fact's prompts.</summary>
    public double ShareRatio { get; init; } = Defaults.ShareRatio;

    /// <summary>EleutherAI's refinement rule: shared by strictly more than ShareRatio of the prompts.</summary>
    public bool ShareStrictlyMore { get; init; }

    /// <summary>…and in at least this many prompts (capped by the number of prompts).</summary>
    public int MinPrompts { get; init; } = 1;

    /// <summary>Stored scores: every neuron at or above this fraction of the prompt's maximum score.</summary>
    public double StorageRatio { get; init; } = 0.05;

    /// <summary>Attribute at most this many prompts per fact (0 = all).</summary>
    public int MaxPromptsPerFact { get; init; }

    /// <summary>How the answer becomes target tokens; <see cref="Modeling.Tokenization.AnswerEncoding.DknAuthors"/>
    /// also lowercases it, as the authors' attribution does (get_neurons).</summary>
    public Modeling.Tokenization.AnswerEncoding Answer { get; init; } = Modeling.Tokenization.AnswerEncoding.Natural;

    /// <summary>The authors' whole attribution: their AMIG, their (lowercased) target tokens, one prompt per
    /// fact.</summary>
    public static FactAttributionOptions DknAuthors { get; } =
        new()
        {
            Attribution = AttributionOptions.DknAuthors,
            Answer = Modeling.Tokenization.AnswerEncoding.DknAuthors,
            MaxPromptsPerFact = 1,
        };

    /// <summary>The fact's knowledge neurons from its prompts' coarse sets, by this refinement rule.</summary>
    public IReadOnlyList<ScoredNeuron> Refine(IReadOnlyList<IReadOnlyList<ScoredNeuron>> coarse) =>
        NeuronSelection.Refine(coarse, ShareRatio, Math.Min(MinPrompts, coarse.Count), ShareStrictlyMore);

    /// <summary>Throws a <see cref="DknInputException"/> for invalid attribution options, a share or storage ratio
    /// outside [0, 1], or a coarse ratio below the storage ratio.</summary>
    public void Validate()
    {
        Attribution.Validate();
        if (ShareRatio is < 0 or > 1)
            throw new DknInputException($"share ratio must be in [0, 1] (got {ShareRatio})");
        if (StorageRatio is < 0 or > 1)
            throw new DknInputException($"storage ratio must be in [0, 1] (got {StorageRatio})");
        if (Coarse is RatioOfMaxThreshold r && r.Ratio < StorageRatio)
            throw new DknInputException(
                $"coarse ratio {r.Ratio} is below the storage ratio {StorageRatio}: neurons under it are not stored"
            );
    }
}

/// <summary>The knowledge neurons of one fact, refined across its prompts, with the per-prompt attributions.</summary>
public sealed record FactKnowledgeNeurons(
    string FactId,
    string RelationId,
    string Answer,
    IReadOnlyList<ScoredNeuron> Neurons,
    IReadOnlyList<PromptAttribution> Prompts,
    IReadOnlyList<IReadOnlyList<ScoredNeuron>> CoarsePerPrompt,
    AttributionObjective Objective = AttributionObjective.Probability
)
{
    /// <summary>Mean over the attributed prompts of P(answer) at the real activations.</summary>
    public double MeanAnswerProbability =>
        Prompts.Count == 0
            ? double.NaN
            : Prompts.Average(p =>
                Objective == AttributionObjective.LogProbability ? Math.Exp(p.Objective) : p.Objective
            );

    /// <summary>Mean over the prompts of the relative completeness error; NaN without prompts.</summary>
    public double MeanCompletenessError =>
        Prompts.Count == 0 ? double.NaN : Prompts.Average(p => p.RelativeCompletenessError);

    /// <summary>Largest relative completeness error over the prompts; NaN without prompts.</summary>
    public double MaxCompletenessError =>
        Prompts.Count == 0 ? double.NaN : Prompts.Max(p => p.RelativeCompletenessError);

    /// <summary>The fact's counts and means as one summary row (neurons, distinct layers, prompts,
    /// probability, errors).</summary>
    public Metrics.AttributionFactSummary Summary =>
        new(FactId, Neurons.Count, Prompts.Count, MeanAnswerProbability, MeanCompletenessError, MaxCompletenessError)
        {
            Layers = Neurons.Select(n => n.Neuron.Layer).Distinct().Count(),
        };

    /// <summary>Dense per-fact scores as (flat index l·d_ff + i, mean over prompts of the stored score), index
    /// order.</summary>
    public (int[] Indices, float[] Values) MeanScores(int width)
    {
        var sums = new SortedDictionary<int, double>();
        foreach (var p in Prompts)
        foreach (var s in p.Scores)
        {
            int flat = s.Layer * width + s.Index;
            sums[flat] = sums.GetValueOrDefault(flat) + s.Score;
        }
        return (sums.Keys.ToArray(), sums.Values.Select(v => (float)(v / Prompts.Count)).ToArray());
    }
}

/// <summary>Progress of a dataset run: facts done of total, prompts computed vs reused from the store.</summary>
public readonly record struct AttributionProgress(
    int FactsDone,
    int FactsTotal,
    int PromptsComputed,
    int PromptsReused,
    string CurrentFact
);
