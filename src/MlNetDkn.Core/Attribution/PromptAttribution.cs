using System.Text.Json.Serialization;

namespace MlNetDkn.Attribution;

/// <summary>
/// The stored result of attributing one prompt of one fact: sparse scores (every neuron at or above the storage
/// ratio of the maximum), the objective and completeness, and what produced it. One JSON line in the store.
/// </summary>
public sealed record PromptAttribution
{
    /// <summary>Store key: 32 hex digits of a SHA-256 over model hash, fact, prompt index, prompt,
    /// answer and options.</summary>
    public required string Key { get; init; }

    /// <summary>Id of the fact the prompt belongs to.</summary>
    public required string FactId { get; init; }

    /// <summary>0-based position of the prompt among the fact's prompts.</summary>
    public required int PromptIndex { get; init; }

    /// <summary>The prompt text attributed.</summary>
    public required string Prompt { get; init; }

    /// <summary>The fact's answer text whose tokens are the target.</summary>
    public required string Answer { get; init; }

    /// <summary>Token ids of the prompt.</summary>
    public required long[] PromptTokens { get; init; }

    /// <summary>Token ids of the answer, as encoded by the options' answer encoding.</summary>
    public required long[] AnswerTokens { get; init; }

    /// <summary>(layer, index, score) triples, score descending.</summary>
    public required SparseScore[] Scores { get; init; }

    /// <summary>The largest score of the prompt over all neurons (before the storage cut).</summary>
    public required double MaxScore { get; init; }

    /// <summary>Objective at the real activations, aggregated over answer tokens.</summary>
    public required double Objective { get; init; }

    /// <summary>Largest |Σ scores − (f(a) − f(baseline))| over layers, relative to the largest |f(a)
    /// − f(baseline)|.</summary>
    public required double RelativeCompletenessError { get; init; }

    /// <summary>Most path points used for any answer token (an adaptive rule's choice; otherwise the steps). 0 in
    /// records stored before it was kept, which leave it out.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int PathPoints { get; init; }

    /// <summary>Per layer, the sum of all its neurons' scores (stored or not).</summary>
    public required double[] LayerScoreSums { get; init; }

    /// <summary><see cref="AttributionOptions.Hash"/> of the options that produced the scores.</summary>
    public required string OptionsHash { get; init; }

    /// <summary>Content hash of the model files the scores came from.</summary>
    public required string ModelHash { get; init; }

    /// <summary>Wall-clock seconds the attribution took.</summary>
    public required double Seconds { get; init; }

    /// <summary>The stored scores as a [layers][width] array; neurons not stored are 0.</summary>
    public double[][] ToDense(int layers, int width)
    {
        var dense = new double[layers][];
        for (int l = 0; l < layers; l++)
            dense[l] = new double[width];
        foreach (var s in Scores)
            dense[s.Layer][s.Index] = s.Score;
        return dense;
    }

    /// <summary>The stored scores as neurons, score descending.</summary>
    public IReadOnlyList<ScoredNeuron> ScoredNeurons =>
        Scores.Select(s => new ScoredNeuron(new Neuron(s.Layer, s.Index), s.Score)).ToList();
}

/// <summary>One stored neuron score.</summary>
/// <param name="Layer">0-based layer.</param>
/// <param name="Index">0-based neuron index within the layer's MLP.</param>
/// <param name="Score">The attribution score.</param>
public readonly record struct SparseScore(int Layer, int Index, double Score);
