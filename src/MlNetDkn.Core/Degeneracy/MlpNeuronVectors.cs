using System.Runtime.InteropServices;
using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Modeling.Checkpoints;

namespace MlNetDkn.Degeneracy;

/// <summary>
/// Dense per-layer neuron vectors, all as [d_ff, d_model] (row i = neuron i), whatever the checkpoint's storage order.
/// <see cref="Up"/> is null for non-gated MLPs.
/// </summary>
public sealed class MlpNeuronVectors : INeuronVectorSource
{
    /// <summary>
    /// Per layer [d_ff, d_model]: row i is what neuron i reads (GPT-2 c_fc column, gated MLP gate_proj row).
    /// </summary>
    public IReadOnlyList<double[,]> Input { get; }

    /// <summary>Per layer [d_ff, d_model] up_proj rows for gated MLPs; null otherwise.</summary>
    public IReadOnlyList<double[,]>? Up { get; }

    /// <summary>
    /// Per layer [d_ff, d_model]: row i is what neuron i writes (GPT-2 c_proj row, gated MLP down_proj column).
    /// </summary>
    public IReadOnlyList<double[,]> Output { get; }

    /// <inheritdoc/>
    public int LayerCount => Input.Count;

    /// <inheritdoc/>
    public int IntermediateSize { get; }

    /// <inheritdoc/>
    public int ModelDim { get; }

    /// <inheritdoc/>
    public bool HasUp => Up != null;

    /// <param name="input">per layer [d_ff, d_model]: row i is what neuron i reads.</param>
    /// <param name="up">per layer [d_ff, d_model] up_proj rows, or null.</param>
    /// <param name="output">per layer [d_ff, d_model]: row i is what neuron i writes.</param>
    public MlpNeuronVectors(
        IReadOnlyList<double[,]> input,
        IReadOnlyList<double[,]>? up,
        IReadOnlyList<double[,]> output
    )
    {
        if (input.Count == 0)
            throw new DknInputException(
                "neuron vectors: no layers given (expected at least one [d_ff, d_model] matrix)"
            );
        IntermediateSize = input[0].GetLength(0);
        ModelDim = input[0].GetLength(1);
        Check("input", input, input.Count);
        Check("output", output, input.Count);
        if (up != null)
            Check("up", up, input.Count);
        Input = input;
        Up = up;
        Output = output;
    }

    void Check(string what, IReadOnlyList<double[,]> m, int layers)
    {
        if (m.Count != layers)
            throw new DknInputException($"neuron vectors: {what} has {m.Count} layers, expected {layers}");
        for (int l = 0; l < m.Count; l++)
            if (m[l].GetLength(0) != IntermediateSize || m[l].GetLength(1) != ModelDim)
                throw new DknInputException(
                    $"neuron vectors: {what} layer {l} is [{m[l].GetLength(0)}, {m[l].GetLength(1)}], expected "
                        + $"[{IntermediateSize}, {ModelDim}]"
                );
    }

    /// <inheritdoc/>
    public ReadOnlySpan<double> InputVector(Neuron neuron) => Row(Input, neuron);

    /// <inheritdoc/>
    public ReadOnlySpan<double> OutputVector(Neuron neuron) => Row(Output, neuron);

    /// <inheritdoc/>
    public ReadOnlySpan<double> UpVector(Neuron neuron) =>
        Up != null ? Row(Up, neuron) : throw new InvalidOperationException("this MLP has no up projection");

    ReadOnlySpan<double> Row(IReadOnlyList<double[,]> m, Neuron n)
    {
        if ((uint)n.Layer >= (uint)LayerCount || (uint)n.Index >= (uint)IntermediateSize)
            throw new DknInputException(
                $"neuron {n} is outside the model ({LayerCount} layers, {IntermediateSize} neurons per layer)"
            );
        return MemoryMarshal.CreateReadOnlySpan(ref m[n.Layer][n.Index, 0], ModelDim);
    }

    /// <summary>
    /// GPT-2 (Hugging Face names): c_fc.weight is stored [d_model, d_ff] (Conv1D), so input rows are its columns;
    /// c_proj.weight is [d_ff, d_model], already one row per neuron. Shards are searched in order.
    /// </summary>
    public static MlpNeuronVectors FromGpt2Safetensors(params SafetensorsFile[] shards)
    {
        var reader = new CheckpointMatrices(shards);
        int layers = reader.CountLayers("transformer.h.{0}.mlp.c_fc.weight");
        var input = new double[layers][,];
        var output = new double[layers][,];
        for (int l = 0; l < layers; l++)
        {
            input[l] = reader.Read($"transformer.h.{l}.mlp.c_fc.weight", transpose: true);
            output[l] = reader.Read($"transformer.h.{l}.mlp.c_proj.weight", transpose: false);
        }
        return new MlpNeuronVectors(input, null, output);
    }

    /// <summary>
    /// LLaMA-style gated MLP (also Qwen2): gate_proj / up_proj are [d_ff, d_model] (rows), down_proj is [d_model,
    /// d_ff], so output rows are its columns.
    /// </summary>
    public static MlpNeuronVectors FromLlamaSafetensors(params SafetensorsFile[] shards)
    {
        var reader = new CheckpointMatrices(shards);
        int layers = reader.CountLayers("model.layers.{0}.mlp.gate_proj.weight");
        var gate = new double[layers][,];
        var up = new double[layers][,];
        var down = new double[layers][,];
        for (int l = 0; l < layers; l++)
        {
            gate[l] = reader.Read($"model.layers.{l}.mlp.gate_proj.weight", transpose: false);
            up[l] = reader.Read($"model.layers.{l}.mlp.up_proj.weight", transpose: false);
            down[l] = reader.Read($"model.layers.{l}.mlp.down_proj.weight", transpose: true);
        }
        return new MlpNeuronVectors(gate, up, down);
    }
}
