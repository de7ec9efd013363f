using MlNetDkn.Degeneracy;
using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Perturbation;

/// <summary>
/// The neuron vectors of a loaded model for the structural graph, read one row at a time (never whole matrices:
/// a 7B model's FFN weights would be 11.5 GB as doubles).
/// </summary>
public sealed class ModelNeuronVectors(CausalLm model) : INeuronVectorSource
{
    /// <summary>The model's layer count.</summary>
    public int LayerCount => model.Config.NumLayers;

    /// <summary>d_ff: neurons per layer.</summary>
    public int IntermediateSize => model.Config.IntermediateSize;

    /// <summary>d_model: the length of every vector.</summary>
    public int ModelDim => model.Config.HiddenSize;

    /// <summary>True for gated MLPs, which have an up projection.</summary>
    public bool HasUp => model.Blocks[0].Mlp.UpVectors is not null;

    /// <summary>The neuron's input weights (GPT-2 c_fc column, gated MLP gate_proj row), as doubles.</summary>
    public ReadOnlySpan<double> InputVector(Neuron neuron) =>
        Row(() => model.Blocks[neuron.Layer].Mlp.InputVectors, neuron);

    /// <summary>The neuron's output weights (GPT-2 c_proj row, gated MLP down_proj column), as doubles.</summary>
    public ReadOnlySpan<double> OutputVector(Neuron neuron) =>
        Row(() => model.Blocks[neuron.Layer].Mlp.OutputVectors, neuron);

    /// <summary>The neuron's up_proj row; throws <see cref="InvalidOperationException"/> when the MLP has
    /// none.</summary>
    public ReadOnlySpan<double> UpVector(Neuron neuron) =>
        Row(
            () =>
                model.Blocks[neuron.Layer].Mlp.UpVectors
                ?? throw new InvalidOperationException("this model's MLP has no up projection"),
            neuron
        );

    // The matrix is read inside the scope: some families expose it as a transposed view, a new tensor per access.
    static double[] Row(Func<Tensor> matrix, Neuron neuron)
    {
        using var scope = NewDisposeScope();
        return matrix()[neuron.Index].to_type(ScalarType.Float64).cpu().data<double>().ToArray();
    }
}
