using MlNetDkn.Attribution;
using MlNetDkn.Metrics.Plots;

namespace MlNetDkn.Metrics.Tables;

public sealed class PromptAttributionRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public int PromptIndex { get; init; }
    public string Prompt { get; init; } = "";
    public string Answer { get; init; } = "";
    public int AnswerTokens { get; init; }
    /// <summary>The attribution objective at the real activations (P, or log P), aggregated over answer tokens.</summary>
    public double Objective { get; init; }
    public double MaxScore { get; init; }
    public double CompletenessError { get; init; }
    /// <summary>Path points of the integral (most over answer tokens): an adaptive rule's choice, else the steps.
    /// </summary>
    public int PathPoints { get; init; }
    public int CoarseNeurons { get; init; }
    public string CoarseList { get; init; } = "";
    public double Seconds { get; init; }
}

public sealed class KnowledgeNeuronRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public int Rank { get; init; }
    public int Layer { get; init; }
    public int Index { get; init; }
    public double Score { get; init; }
}

public sealed class AttributionFactRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public string Answer { get; init; } = "";
    public int Prompts { get; init; }
    public int KnowledgeNeurons { get; init; }
    public double AnswerProbability { get; init; }
    public double CompletenessError { get; init; }
    public double MaxCompletenessError { get; init; }
    /// <summary>Distinct layers the knowledge neurons lie in.</summary>
    public int Layers { get; init; }
    public string NeuronList { get; init; } = "";
}

public sealed class AttributionSummaryRow
{
    public int Facts { get; init; }
    public int Prompts { get; init; }
    public int FactsWithoutKnowledgeNeurons { get; init; }
    public double KnowledgeNeuronsMean { get; init; }
    public double KnowledgeNeuronsMedian { get; init; }
    public double KnowledgeNeuronsMax { get; init; }
    /// <summary>Distinct layers per fact's knowledge neurons (facts with any).</summary>
    public double LayersPerFactMean { get; init; }
    public int FactsInOneLayer { get; init; }
    public double AnswerProbabilityMean { get; init; }
    /// <summary>"completeness error" for integrated gradients proper; "sum gap" for the peers' multiplier a.</summary>
    public string CompletenessMeasure { get; init; } = "";
    public double CompletenessMean { get; init; }
    public double CompletenessMedian { get; init; }
    public double CompletenessP90 { get; init; }
    public double CompletenessMax { get; init; }
}

/// <summary>The tables and heatmap of attribution over a run's facts (snake_case columns, Parquet + CSV).</summary>
public static class AttributionTables
{
    public const string PromptsTable = "prompt_attributions", NeuronsTable = "knowledge_neurons", FactsTable = "attribution_facts",
        SummaryTable = "attribution_summary", Heatmap = "knowledge_neuron_heatmap.png";

    public static IReadOnlyList<string> Write(IReadOnlyList<FactKnowledgeNeurons> facts, string folder, int layers, int width,
        bool completenessIsExact, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var promptRows = facts.SelectMany(f => f.Prompts.Select((p, i) => new PromptAttributionRow
        {
            FactId = f.FactId, RelationId = f.RelationId, PromptIndex = p.PromptIndex, Prompt = p.Prompt, Answer = p.Answer,
            AnswerTokens = p.AnswerTokens.Length, Objective = p.Objective, MaxScore = p.MaxScore,
            CompletenessError = p.RelativeCompletenessError, PathPoints = p.PathPoints,
            CoarseNeurons = f.CoarsePerPrompt[i].Count,
            CoarseList = NeuronList(f.CoarsePerPrompt[i]), Seconds = p.Seconds,
        })).ToList();
        var neuronRows = facts.SelectMany(f => f.Neurons.Select((n, rank) => new KnowledgeNeuronRow
        {
            FactId = f.FactId, RelationId = f.RelationId, Rank = rank, Layer = n.Neuron.Layer, Index = n.Neuron.Index, Score = n.Score,
        })).ToList();
        var factRows = facts.Select(f => new AttributionFactRow
        {
            FactId = f.FactId, RelationId = f.RelationId, Answer = f.Answer, Prompts = f.Prompts.Count, KnowledgeNeurons = f.Neurons.Count,
            Layers = f.Summary.Layers,
            AnswerProbability = f.MeanAnswerProbability, CompletenessError = f.MeanCompletenessError,
            MaxCompletenessError = f.MaxCompletenessError, NeuronList = NeuronList(f.Neurons),
        }).ToList();
        var metrics = AttributionMetrics.Compute(facts.Select(f => f.Summary), completenessIsExact);

        var written = new List<string>();
        void Add((string Parquet, string Csv) paths) => written.AddRange([paths.Parquet, paths.Csv]);
        Add(MetricTableRecords.WriteRecords(promptRows, folder, PromptsTable, metadata));
        Add(MetricTableRecords.WriteRecords(neuronRows, folder, NeuronsTable, metadata));
        Add(MetricTableRecords.WriteRecords(factRows, folder, FactsTable, metadata));
        Add(MetricTableRecords.WriteRecords([SummaryRow(metrics)], folder, SummaryTable, metadata));

        var counts = new double[layers][];
        for (int l = 0; l < layers; l++) counts[l] = new double[width];
        foreach (var row in neuronRows) counts[row.Layer][row.Index]++;
        var heatmap = Path.Combine(folder, Heatmap);
        NeuronHeatmap.Save(counts, heatmap, $"Knowledge neurons over {facts.Count} facts", "facts");
        written.Add(heatmap);
        return written;
    }

    public static AttributionSummaryRow SummaryRow(AttributionMetrics m) => new()
    {
        Facts = m.Facts, Prompts = m.Prompts, FactsWithoutKnowledgeNeurons = m.FactsWithoutKnowledgeNeurons,
        KnowledgeNeuronsMean = m.KnowledgeNeuronsPerFact.Mean, KnowledgeNeuronsMedian = m.KnowledgeNeuronsPerFact.Median,
        KnowledgeNeuronsMax = m.KnowledgeNeuronsPerFact.Max, LayersPerFactMean = m.LayersPerFact.Mean, FactsInOneLayer = m.FactsInOneLayer,
        AnswerProbabilityMean = m.AnswerProbability.Mean,
        CompletenessMeasure = m.CompletenessIsExact ? "completeness error" : "sum gap (multiplier a: not integrated gradients)",
        CompletenessMean = m.CompletenessError.Mean, CompletenessMedian = m.CompletenessError.Median,
        CompletenessP90 = m.CompletenessError.P90, CompletenessMax = m.MaxCompletenessError.Max,
    };

    public static string NeuronList(IEnumerable<ScoredNeuron> neurons) => string.Join(";", neurons.Select(n => n.Neuron.ToString()));
}
