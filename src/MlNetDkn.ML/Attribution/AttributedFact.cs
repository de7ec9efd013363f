using MlNetDkn.Attribution;
using MlNetDkn.ML.Internal;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Attribution;

/// <summary>One fact's knowledge neurons in column form, computed once and served to every getter.</summary>
public sealed class AttributedFact
{
    internal AttributedFact(FactKnowledgeNeurons result, int width)
    {
        Result = result;
        Neurons = result.Neurons.Select(n => n.Neuron.ToString()).ToArray();
        Layers = result.Neurons.Select(n => n.Neuron.Layer).ToArray();
        Indices = result.Neurons.Select(n => n.Neuron.Index).ToArray();
        Scores = result.Neurons.Select(n => n.Score).ToArray();
        var mask = result.Neurons.Select(n => n.Neuron.Layer * width + n.Neuron.Index).Order().ToArray();
        Mask = (mask, Enumerable.Repeat(1f, mask.Length).ToArray());
        Dense = result.MeanScores(width);
    }

    /// <summary>The fact's attribution result as the Core library computed it (neurons, scores,
    /// per-prompt results).</summary>
    public FactKnowledgeNeurons Result { get; }

    /// <summary>The knowledge neurons as "layer:index" texts, in the result's order.</summary>
    public string[] Neurons { get; }

    /// <summary>Each knowledge neuron's layer (0-based), parallel to <see cref="Neurons"/>.</summary>
    public int[] Layers { get; }

    /// <summary>Each knowledge neuron's index within its layer's MLP (0-based), parallel to
    /// <see cref="Neurons"/>.</summary>
    public int[] Indices { get; }

    /// <summary>Each knowledge neuron's mean attribution score over the prompts, parallel to
    /// <see cref="Neurons"/>.</summary>
    public double[] Scores { get; }

    /// <summary>The knowledge-neuron mask as a sparse L·d_ff vector: ascending flat indices l·d_ff +
    /// i, each value 1.</summary>
    public (int[] Indices, float[] Values) Mask { get; }

    /// <summary>The mean stored attribution scores as a sparse L·d_ff vector (flat index l·d_ff +
    /// i, index order).</summary>
    public (int[] Indices, float[] Values) Dense { get; }

    /// <summary>The added columns (<see cref="KnowledgeNeuronColumns"/>) for a model of this shape.</summary>
    internal static IReadOnlyList<OutputColumn<AttributedFact>> Columns(ModelConfig config)
    {
        var slots = NeuronSlots.Names(config.NumLayers, config.IntermediateSize);
        return
        [
            OutputColumns.TextVector<AttributedFact>(KnowledgeNeuronColumns.KnowledgeNeurons, f => f.Neurons),
            OutputColumns.KeyVector<AttributedFact>(KnowledgeNeuronColumns.KnowledgeNeuronLayers, config.NumLayers, f =>
                f.Layers
            ),
            OutputColumns.KeyVector<AttributedFact>(
                KnowledgeNeuronColumns.KnowledgeNeuronIndices,
                config.IntermediateSize,
                f => f.Indices
            ),
            OutputColumns.SingleVector<AttributedFact>(KnowledgeNeuronColumns.KnowledgeNeuronScores, f => f.Scores),
            OutputColumns.SparseSlots<AttributedFact>(KnowledgeNeuronColumns.KnowledgeNeuronMask, slots, f => f.Mask),
            OutputColumns.SparseSlots<AttributedFact>(KnowledgeNeuronColumns.AttributionScores, slots, f => f.Dense),
            OutputColumns.Single<AttributedFact>(KnowledgeNeuronColumns.KnowledgeNeuronCount, f => f.Neurons.Length),
            OutputColumns.Single<AttributedFact>(KnowledgeNeuronColumns.AnswerProbability, f =>
                f.Result.MeanAnswerProbability
            ),
            OutputColumns.Single<AttributedFact>(KnowledgeNeuronColumns.CompletenessError, f =>
                f.Result.MeanCompletenessError
            ),
            OutputColumns.Single<AttributedFact>(KnowledgeNeuronColumns.MaxCompletenessError, f =>
                f.Result.MaxCompletenessError
            ),
            OutputColumns.Single<AttributedFact>(KnowledgeNeuronColumns.PromptsAttributed, f => f.Result.Prompts.Count),
        ];
    }
}

/// <summary>Slot names of the (layer, neuron) vectors: "l:i" for slot l·d_ff + i.</summary>
internal static class NeuronSlots
{
    public static IReadOnlyList<string> Names(int layers, int width)
    {
        var names = new string[layers * width];
        for (int l = 0; l < layers; l++)
        for (int i = 0; i < width; i++)
            names[l * width + i] = $"{l}:{i}";
        return names;
    }
}
