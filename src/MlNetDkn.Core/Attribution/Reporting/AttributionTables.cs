using MlNetDkn.Metrics.Plots;
using MlNetDkn.Metrics;

namespace MlNetDkn.Attribution.Reporting;

public sealed class PromptAttributionRow
{
    public string FactId { get; init; } = "";
    public int PromptIndex { get; init; }
    public string Prompt { get; init; } = "";
    public string Answer { get; init; } = "";
    public int AnswerTokens { get; init; }
    public double Objective { get; init; }
    public double MaxScore { get; init; }
    public double RelativeCompletenessError { get; init; }
    public int CoarseNeurons { get; init; }
    public string CoarseList { get; init; } = "";
    public double Seconds { get; init; }
}

public sealed class KnowledgeNeuronRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public int Layer { get; init; }
    public int Index { get; init; }
    public double Score { get; init; }
    public int Rank { get; init; }
}

public sealed class FactKnowledgeRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public string Answer { get; init; } = "";
    public int Prompts { get; init; }
    public int KnowledgeNeurons { get; init; }
    public string NeuronList { get; init; } = "";
    public double MeanObjective { get; init; }
}

/// <summary>The tables and heatmap of an attribution run over a dataset.</summary>
public static class AttributionTables
{
    public static IReadOnlyList<string> Write(IReadOnlyList<FactKnowledgeNeurons> facts, string folder, int layers, int width,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var promptRows = facts.SelectMany(f => f.Prompts.Select((p, i) => new PromptAttributionRow
        {
            FactId = f.FactId, PromptIndex = p.PromptIndex, Prompt = p.Prompt, Answer = p.Answer, AnswerTokens = p.AnswerTokens.Length,
            Objective = p.Objective, MaxScore = p.MaxScore, RelativeCompletenessError = p.RelativeCompletenessError,
            CoarseNeurons = f.CoarsePerPrompt[i].Count, CoarseList = NeuronList(f.CoarsePerPrompt[i]), Seconds = p.Seconds,
        })).ToList();
        var neuronRows = facts.SelectMany(f => f.Neurons.Select((n, rank) => new KnowledgeNeuronRow
        {
            FactId = f.FactId, RelationId = f.RelationId, Layer = n.Neuron.Layer, Index = n.Neuron.Index, Score = n.Score, Rank = rank,
        })).ToList();
        var factRows = facts.Select(f => new FactKnowledgeRow
        {
            FactId = f.FactId, RelationId = f.RelationId, Answer = f.Answer, Prompts = f.Prompts.Count,
            KnowledgeNeurons = f.Neurons.Count, NeuronList = NeuronList(f.Neurons),
            MeanObjective = f.Prompts.Count == 0 ? 0 : f.Prompts.Average(p => p.Objective),
        }).ToList();

        var written = new List<string>();
        void Add((string Parquet, string Csv) paths) => written.AddRange([paths.Parquet, paths.Csv]);
        Add(MetricTableRecords.WriteRecords(promptRows, folder, "prompt_attributions", metadata));
        Add(MetricTableRecords.WriteRecords(neuronRows, folder, "knowledge_neurons", metadata));
        Add(MetricTableRecords.WriteRecords(factRows, folder, "facts", metadata));

        var counts = new double[layers][];
        for (int l = 0; l < layers; l++) counts[l] = new double[width];
        foreach (var row in neuronRows) counts[row.Layer][row.Index]++;
        var heatmap = Path.Combine(folder, "knowledge_neuron_heatmap.png");
        NeuronHeatmap.Save(counts, heatmap, $"Knowledge neurons over {facts.Count} facts", "facts");
        written.Add(heatmap);
        return written;
    }

    public static string NeuronList(IEnumerable<ScoredNeuron> neurons) => string.Join(";", neurons.Select(n => n.Neuron.ToString()));
}
