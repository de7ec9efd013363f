using MlNetDkn.Attribution;
using MlNetDkn.Metrics.Plots;

namespace MlNetDkn.Metrics.Tables;

/// <summary>One row of the prompt_attributions table: the attribution of one prompt of one fact.</summary>
public sealed class PromptAttributionRow
{
    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public string FactId { get; init; } = "";

    /// <summary>The relation the fact belongs to.</summary>
    public string RelationId { get; init; } = "";

    /// <summary>The prompt's position in the fact's prompt list (0 first).</summary>
    public int PromptIndex { get; init; }

    /// <summary>The prompt text as attributed.</summary>
    public string Prompt { get; init; } = "";

    /// <summary>The answer text whose probability was attributed.</summary>
    public string Answer { get; init; } = "";

    /// <summary>Number of tokens the answer encodes to.</summary>
    public int AnswerTokens { get; init; }

    /// <summary>The attribution objective at the real activations (P, or log P), aggregated over answer
    /// tokens.</summary>
    public double Objective { get; init; }

    /// <summary>The largest attribution score over every neuron of every layer for this prompt.</summary>
    public double MaxScore { get; init; }

    /// <summary>Largest |Σ scores − (f(a) − f(baseline))| over layers, relative to the largest |f(a) −
    /// f(baseline)|.</summary>
    public double CompletenessError { get; init; }

    /// <summary>Path points of the integral (most over answer tokens): an adaptive rule's choice, else the steps.
    /// </summary>
    public int PathPoints { get; init; }

    /// <summary>How many neurons passed the coarse threshold on this prompt.</summary>
    public int CoarseNeurons { get; init; }

    /// <summary>The coarse neurons as "layer:index" separated by ';'.</summary>
    public string CoarseList { get; init; } = "";

    /// <summary>Wall-clock seconds the prompt's attribution took.</summary>
    public double Seconds { get; init; }
}

/// <summary>One row of the knowledge_neurons table: one refined knowledge neuron of one fact.</summary>
public sealed class KnowledgeNeuronRow
{
    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public string FactId { get; init; } = "";

    /// <summary>The relation the fact belongs to.</summary>
    public string RelationId { get; init; } = "";

    /// <summary>Position in the fact's refined list (0 first): most prompts sharing it first, then higher mean
    /// score.</summary>
    public int Rank { get; init; }

    /// <summary>The neuron's layer (0-based).</summary>
    public int Layer { get; init; }

    /// <summary>The neuron's index in the layer's FFN intermediate vector.</summary>
    public int Index { get; init; }

    /// <summary>The neuron's mean attribution score over the prompts where it was coarse.</summary>
    public double Score { get; init; }
}

/// <summary>One row of the attribution_facts table: one fact's refined knowledge neurons and its prompts'
/// means.</summary>
public sealed class AttributionFactRow
{
    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public string FactId { get; init; } = "";

    /// <summary>The relation the fact belongs to.</summary>
    public string RelationId { get; init; } = "";

    /// <summary>The fact's answer text.</summary>
    public string Answer { get; init; } = "";

    /// <summary>Prompts attributed for the fact.</summary>
    public int Prompts { get; init; }

    /// <summary>Refined knowledge neurons of the fact.</summary>
    public int KnowledgeNeurons { get; init; }

    /// <summary>Mean P(answer) at the real activations over the fact's prompts (exp of the objective under log P); NaN
    /// without prompts.</summary>
    public double AnswerProbability { get; init; }

    /// <summary>Mean relative completeness error over the fact's prompts (see <see
    /// cref="PromptAttributionRow.CompletenessError"/>).</summary>
    public double CompletenessError { get; init; }

    /// <summary>Largest relative completeness error over the fact's prompts.</summary>
    public double MaxCompletenessError { get; init; }

    /// <summary>Distinct layers the knowledge neurons lie in.</summary>
    public int Layers { get; init; }

    /// <summary>The knowledge neurons in rank order as "layer:index" separated by ';'.</summary>
    public string NeuronList { get; init; } = "";
}

/// <summary>The single row of the attribution_summary table: attribution over every fact of a run.</summary>
public sealed class AttributionSummaryRow
{
    /// <summary>Facts attributed.</summary>
    public int Facts { get; init; }

    /// <summary>Prompts attributed, over every fact.</summary>
    public int Prompts { get; init; }

    /// <summary>Facts whose refinement left no knowledge neuron.</summary>
    public int FactsWithoutKnowledgeNeurons { get; init; }

    /// <summary>Mean knowledge neurons per fact (facts without any count as 0).</summary>
    public double KnowledgeNeuronsMean { get; init; }

    /// <summary>Median knowledge neurons per fact.</summary>
    public double KnowledgeNeuronsMedian { get; init; }

    /// <summary>Most knowledge neurons of any fact.</summary>
    public double KnowledgeNeuronsMax { get; init; }

    /// <summary>Distinct layers per fact's knowledge neurons (facts with any).</summary>
    public double LayersPerFactMean { get; init; }

    /// <summary>Facts whose knowledge neurons all lie in one layer.</summary>
    public int FactsInOneLayer { get; init; }

    /// <summary>Mean over facts of each fact's mean P(answer) at the real activations.</summary>
    public double AnswerProbabilityMean { get; init; }

    /// <summary>"completeness error" for integrated gradients proper; "sum gap" for the peers' multiplier a.</summary>
    public string CompletenessMeasure { get; init; } = "";

    /// <summary>Mean over facts of each fact's mean relative completeness error (or sum gap, see <see
    /// cref="CompletenessMeasure"/>).</summary>
    public double CompletenessMean { get; init; }

    /// <summary>Median over facts of each fact's mean relative completeness error.</summary>
    public double CompletenessMedian { get; init; }

    /// <summary>90th percentile over facts of each fact's mean relative completeness error.</summary>
    public double CompletenessP90 { get; init; }

    /// <summary>Largest per-prompt relative completeness error of any fact.</summary>
    public double CompletenessMax { get; init; }
}

/// <summary>The tables and heatmap of attribution over a run's facts (snake_case columns, Parquet + CSV).</summary>
public static class AttributionTables
{
    /// <summary>Table and file names written by <see cref="Write"/>.</summary>
    public const string PromptsTable = "prompt_attributions",
        NeuronsTable = "knowledge_neurons",
        FactsTable = "attribution_facts",
        SummaryTable = "attribution_summary",
        Heatmap = "knowledge_neuron_heatmap.png";

    /// <summary>Writes the prompt, knowledge-neuron, fact and summary tables and the knowledge-neuron heatmap into
    /// <paramref name="folder"/>.</summary>
    /// <param name="layers">The model's layer count (heatmap rows).</param>
    /// <param name="width">The FFN intermediate size d_ff (heatmap columns).</param>
    /// <param name="completenessIsExact">True for integrated gradients proper, false for the multiplier a, whose gap is
    /// reported as a sum gap rather than a completeness error.</param>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(
        IReadOnlyList<FactKnowledgeNeurons> facts,
        string folder,
        int layers,
        int width,
        bool completenessIsExact,
        IReadOnlyDictionary<string, string>? metadata = null
    )
    {
        var promptRows = facts
            .SelectMany(f =>
                f.Prompts.Select(
                    (p, i) =>
                        new PromptAttributionRow
                        {
                            FactId = f.FactId,
                            RelationId = f.RelationId,
                            PromptIndex = p.PromptIndex,
                            Prompt = p.Prompt,
                            Answer = p.Answer,
                            AnswerTokens = p.AnswerTokens.Length,
                            Objective = p.Objective,
                            MaxScore = p.MaxScore,
                            CompletenessError = p.RelativeCompletenessError,
                            PathPoints = p.PathPoints,
                            CoarseNeurons = f.CoarsePerPrompt[i].Count,
                            CoarseList = NeuronList(f.CoarsePerPrompt[i]),
                            Seconds = p.Seconds,
                        }
                )
            )
            .ToList();
        var neuronRows = facts
            .SelectMany(f =>
                f.Neurons.Select(
                    (n, rank) =>
                        new KnowledgeNeuronRow
                        {
                            FactId = f.FactId,
                            RelationId = f.RelationId,
                            Rank = rank,
                            Layer = n.Neuron.Layer,
                            Index = n.Neuron.Index,
                            Score = n.Score,
                        }
                )
            )
            .ToList();
        var factRows = facts
            .Select(f => new AttributionFactRow
            {
                FactId = f.FactId,
                RelationId = f.RelationId,
                Answer = f.Answer,
                Prompts = f.Prompts.Count,
                KnowledgeNeurons = f.Neurons.Count,
                Layers = f.Summary.Layers,
                AnswerProbability = f.MeanAnswerProbability,
                CompletenessError = f.MeanCompletenessError,
                MaxCompletenessError = f.MaxCompletenessError,
                NeuronList = NeuronList(f.Neurons),
            })
            .ToList();
        var metrics = AttributionMetrics.Compute(facts.Select(f => f.Summary), completenessIsExact);

        var written = new List<string>();
        void Add((string Parquet, string Csv) paths) => written.AddRange([paths.Parquet, paths.Csv]);
        Add(MetricTableRecords.WriteRecords(promptRows, folder, PromptsTable, metadata));
        Add(MetricTableRecords.WriteRecords(neuronRows, folder, NeuronsTable, metadata));
        Add(MetricTableRecords.WriteRecords(factRows, folder, FactsTable, metadata));
        Add(MetricTableRecords.WriteRecords([SummaryRow(metrics)], folder, SummaryTable, metadata));

        var counts = new double[layers][];
        for (int l = 0; l < layers; l++)
            counts[l] = new double[width];
        foreach (var row in neuronRows)
            counts[row.Layer][row.Index]++;
        var heatmap = Path.Combine(folder, Heatmap);
        NeuronHeatmap.Save(counts, heatmap, $"Knowledge neurons over {facts.Count} facts", "facts");
        written.Add(heatmap);
        return written;
    }

    /// <summary>The summary row of the metrics.</summary>
    public static AttributionSummaryRow SummaryRow(AttributionMetrics m) =>
        new()
        {
            Facts = m.Facts,
            Prompts = m.Prompts,
            FactsWithoutKnowledgeNeurons = m.FactsWithoutKnowledgeNeurons,
            KnowledgeNeuronsMean = m.KnowledgeNeuronsPerFact.Mean,
            KnowledgeNeuronsMedian = m.KnowledgeNeuronsPerFact.Median,
            KnowledgeNeuronsMax = m.KnowledgeNeuronsPerFact.Max,
            LayersPerFactMean = m.LayersPerFact.Mean,
            FactsInOneLayer = m.FactsInOneLayer,
            AnswerProbabilityMean = m.AnswerProbability.Mean,
            CompletenessMeasure = m.CompletenessIsExact
                ? "completeness error"
                : "sum gap (multiplier a: not integrated gradients)",
            CompletenessMean = m.CompletenessError.Mean,
            CompletenessMedian = m.CompletenessError.Median,
            CompletenessP90 = m.CompletenessError.P90,
            CompletenessMax = m.MaxCompletenessError.Max,
        };

    /// <summary>The neurons as "layer:index" separated by ';', in the given order.</summary>
    public static string NeuronList(IEnumerable<ScoredNeuron> neurons) =>
        string.Join(";", neurons.Select(n => n.Neuron.ToString()));
}
