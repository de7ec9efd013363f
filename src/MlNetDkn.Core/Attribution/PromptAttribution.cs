using System.Text.Json.Serialization;

namespace MlNetDkn.Attribution;

/// <summary>
/// The stored result of attributing one prompt of one fact: sparse scores (every neuron at or above the storage
/// ratio of the maximum), the objective and completeness, and what produced it. One JSON line in the store.
/// </summary>
public sealed record PromptAttribution
{
    public required string Key { get; init; }
    public required string FactId { get; init; }
    public required int PromptIndex { get; init; }
    public required string Prompt { get; init; }
    public required string Answer { get; init; }
    public required long[] PromptTokens { get; init; }
    public required long[] AnswerTokens { get; init; }
    /// <summary>(layer, index, score) triples, score descending.</summary>
    public required SparseScore[] Scores { get; init; }
    public required double MaxScore { get; init; }
    /// <summary>Objective at the real activations, aggregated over answer tokens.</summary>
    public required double Objective { get; init; }
    public required double RelativeCompletenessError { get; init; }
    /// <summary>Most path points used for any answer token (an adaptive rule's choice; otherwise the steps). 0 in
    /// records stored before it was kept, which leave it out.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int PathPoints { get; init; }
    public required double[] LayerScoreSums { get; init; }
    public required string OptionsHash { get; init; }
    public required string ModelHash { get; init; }
    public required double Seconds { get; init; }

    public double[][] ToDense(int layers, int width)
    {
        var dense = new double[layers][];
        for (int l = 0; l < layers; l++) dense[l] = new double[width];
        foreach (var s in Scores) dense[s.Layer][s.Index] = s.Score;
        return dense;
    }

    public IReadOnlyList<ScoredNeuron> ScoredNeurons => Scores.Select(s => new ScoredNeuron(new Neuron(s.Layer, s.Index), s.Score)).ToList();
}

public readonly record struct SparseScore(int Layer, int Index, double Score);
