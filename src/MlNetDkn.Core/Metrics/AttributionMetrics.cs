namespace MlNetDkn.Metrics;

/// <summary>What attribution of one fact gave, as the metrics need it.</summary>
/// <param name="CompletenessError">Mean over the fact's prompts of the relative completeness error (or, for the
/// activation multiplier, the relative gap between the score sum and f(a) − f(b), which is not a completeness
/// error).</param>
public readonly record struct AttributionFactSummary(
    string FactId,
    int KnowledgeNeurons,
    int Prompts,
    double AnswerProbability,
    double CompletenessError,
    double MaxCompletenessError
)
{
    /// <summary>Distinct layers the fact's knowledge neurons lie in.</summary>
    public int Layers { get; init; }
}

/// <summary>Attribution over a run's facts: knowledge neurons per fact and the completeness error's
/// distribution.</summary>
/// <param name="CompletenessIsExact">True when the scores are integrated gradients proper (multiplier a − baseline),
/// whose sum should equal f(a) − f(baseline); false for the peers' multiplier a, where the gap is only
/// reported.</param>
public sealed record AttributionMetrics(
    int Facts,
    int Prompts,
    int FactsWithoutKnowledgeNeurons,
    Distribution KnowledgeNeuronsPerFact,
    Distribution AnswerProbability,
    Distribution CompletenessError,
    Distribution MaxCompletenessError,
    bool CompletenessIsExact
)
{
    /// <summary>Distinct layers per fact's knowledge neurons, over the facts that have any (the layer
    /// spread).</summary>
    public Distribution LayersPerFact { get; init; } = Distribution.Empty;

    /// <summary>Facts whose knowledge neurons all lie in one layer.</summary>
    public int FactsInOneLayer { get; init; }

    /// <summary>The metrics of the facts' summaries.</summary>
    /// <param name="completenessIsExact">True for integrated gradients proper, false for the multiplier a.</param>
    public static AttributionMetrics Compute(IEnumerable<AttributionFactSummary> facts, bool completenessIsExact)
    {
        var list = facts.ToList();
        return new AttributionMetrics(
            list.Count,
            list.Sum(f => f.Prompts),
            list.Count(f => f.KnowledgeNeurons == 0),
            Distribution.Of(list.Select(f => (double)f.KnowledgeNeurons)),
            Distribution.Of(list.Select(f => f.AnswerProbability)),
            Distribution.Of(list.Select(f => f.CompletenessError)),
            Distribution.Of(list.Select(f => f.MaxCompletenessError)),
            completenessIsExact
        )
        {
            LayersPerFact = Distribution.Of(list.Where(f => f.KnowledgeNeurons > 0).Select(f => (double)f.Layers)),
            FactsInOneLayer = list.Count(f => f.KnowledgeNeurons > 0 && f.Layers == 1),
        };
    }
}
