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
    [ThreadStatic]
    static ScalarType? _dtype;

    [ThreadStatic]
    static bool _uninitialised;

    /// <summary>The dtype of the model under construction on this thread (null: libtorch's default).</summary>
    public static ScalarType? DType => _dtype;

    /// <param name="initialise">False when every weight is about to be overwritten from a checkpoint: the linear and
    /// embedding weights are then allocated without their random initialisation, which costs about a second on a
    /// GPT-2-small model (the loader refuses a checkpoint that misses any parameter, so none stays
    /// uninitialised).</param>
    public static IDisposable Building(ScalarType dtype, bool initialise = true)
    {
        var previous = (_dtype, _uninitialised);
        _dtype = dtype;
        _uninitialised = !initialise;
        return new Restore(previous);
    }

    /// <summary>
    /// A Linear layer [outputs, inputs] in the building dtype; uninitialised storage when building for a checkpoint.
    /// </summary>
    public static Linear Linear(long inputs, long outputs, bool hasBias = true) =>
        _uninitialised
            ? nn.Linear(Empty(outputs, inputs), hasBias ? Empty(outputs) : null)
            : nn.Linear(inputs, outputs, hasBias, dtype: _dtype);

    /// <summary>
    /// An Embedding [count, dimensions] in the building dtype; uninitialised storage when building for a checkpoint.
    /// </summary>
    public static Embedding Embedding(long count, long dimensions)
    {
        if (!_uninitialised)
            return nn.Embedding(count, dimensions, dtype: _dtype);
        var embedding = nn.Embedding(1, dimensions, dtype: _dtype); // initialising one row costs nothing
        embedding.weight = Empty(count, dimensions);
        return embedding;
    }

    /// <summary>
    /// A LayerNorm over the last <paramref name="size"/> dimensions, in the building dtype (always initialised: weight
    /// 1, bias 0).
    /// </summary>
    public static LayerNorm LayerNorm(long size, double eps) => nn.LayerNorm(size, eps, dtype: _dtype);

    static Parameter Empty(params long[] shape) => new(empty(shape, _dtype ?? get_default_dtype()));

    sealed class Restore((ScalarType? DType, bool Uninitialised) previous) : IDisposable
    {
        public void Dispose() => (_dtype, _uninitialised) = previous;
    }
}
