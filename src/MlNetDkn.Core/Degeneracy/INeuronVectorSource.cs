namespace MlNetDkn.Degeneracy;

/// <summary>
/// The residual-stream vectors of single MLP neurons. The structural graph needs only the few neurons of one fact, so a
/// model runtime may implement this lazily (one row or column per call) instead of copying whole weight matrices.
/// Every vector has length <see cref="ModelDim"/>.
/// </summary>
public interface INeuronVectorSource
{
    /// <summary>Number of transformer blocks; valid neuron layers are 0 to LayerCount − 1.</summary>
    int LayerCount { get; }

    /// <summary>d_ff: neurons per layer.</summary>
    int IntermediateSize { get; }

    /// <summary>d_model: length of every vector.</summary>
    int ModelDim { get; }

    /// <summary>True for gated MLPs (LLaMA-style), where <see cref="UpVector"/> is defined.</summary>
    bool HasUp { get; }

    /// <summary>What the neuron reads from the residual stream: GPT-2 c_fc column, gated MLP gate_proj row.</summary>
    ReadOnlySpan<double> InputVector(Neuron neuron);

    /// <summary>Gated MLPs only: up_proj row. Throws when <see cref="HasUp"/> is false.</summary>
    ReadOnlySpan<double> UpVector(Neuron neuron);

    /// <summary>What the neuron writes to the residual stream: GPT-2 c_proj row, gated MLP down_proj column.</summary>
    ReadOnlySpan<double> OutputVector(Neuron neuron);
}
