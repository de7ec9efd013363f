using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Layers;

/// <summary>
/// The layers a family builds, created in the dtype the model is being built in. <see cref="Building"/> sets that
/// dtype for the constructing thread only: a bfloat16 model never holds float32 weights (which would need twice the
/// memory), and libtorch's process-wide default dtype, which other threads use, is never touched.
/// </summary>
public static class ModuleFactory
{
    [ThreadStatic] static ScalarType? _dtype;

    /// <summary>The dtype of the model under construction on this thread (null: libtorch's default).</summary>
    public static ScalarType? DType => _dtype;

    public static IDisposable Building(ScalarType dtype)
    {
        var previous = _dtype;
        _dtype = dtype;
        return new Restore(previous);
    }

    public static Linear Linear(long inputs, long outputs, bool hasBias = true) => nn.Linear(inputs, outputs, hasBias, dtype: _dtype);

    public static Embedding Embedding(long count, long dimensions) => nn.Embedding(count, dimensions, dtype: _dtype);

    public static LayerNorm LayerNorm(long size, double eps) => nn.LayerNorm(size, eps, dtype: _dtype);

    sealed class Restore(ScalarType? previous) : IDisposable
    {
        public void Dispose() => _dtype = previous;
    }
}
