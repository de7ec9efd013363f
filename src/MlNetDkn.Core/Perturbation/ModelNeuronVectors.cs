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
    public int LayerCount => model.Config.NumLayers;
    public int IntermediateSize => model.Config.IntermediateSize;
    public int ModelDim => model.Config.HiddenSize;
    public bool HasUp => model.Blocks[0].Mlp.UpVectors is not null;

    public ReadOnlySpan<double> InputVector(Neuron neuron) => Row(() => model.Blocks[neuron.Layer].Mlp.InputVectors, neuron);
    public ReadOnlySpan<double> OutputVector(Neuron neuron) => Row(() => model.Blocks[neuron.Layer].Mlp.OutputVectors, neuron);
    public ReadOnlySpan<double> UpVector(Neuron neuron) =>
        Row(() => model.Blocks[neuron.Layer].Mlp.UpVectors ?? throw new InvalidOperationException("this model's MLP has no up projection"), neuron);

    // The matrix is read inside the scope: some families expose it as a transposed view, a new tensor per access.
    static double[] Row(Func<Tensor> matrix, Neuron neuron)
    {
        using var scope = NewDisposeScope();
        return matrix()[neuron.Index].to_type(ScalarType.Float64).cpu().data<double>().ToArray();
    }
}
