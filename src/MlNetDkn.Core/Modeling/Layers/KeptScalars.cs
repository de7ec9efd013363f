using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Layers;

/// <summary>
/// Tensor arithmetic whose scalar operands stay alive for the whole native call. TorchSharp's <c>a + b</c> and
/// <c>a * 0.5</c> build a temporary <see cref="Scalar"/> whose finalizer may free it while libtorch still reads it
/// (a garbage collection on another thread in between): the call then fails with "Expected false to be true" or
/// "Unknown scalar type" from Scalar.h. The forward paths use these instead.
/// </summary>
public static class KeptScalars
{
    /// <summary>Never collected: a static root.</summary>
    static readonly Scalar One = 1.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + value (a scalar).</summary>
    public static Tensor Plus(this Tensor a, double value) => With(value, s => a.add(s));

    /// <summary>a with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public static Tensor Filled(this Tensor a, Tensor mask, double value) => With(value, s => a.masked_fill(mask, s));

    /// <summary>a ^ exponent.</summary>
    public static Tensor Power(this Tensor a, double exponent) => With(exponent, s => a.pow(s));

    /// <summary>a / divisor.</summary>
    public static Tensor Over(this Tensor a, double divisor) => With(divisor, s => a.div(s));

    /// <summary>a · factor.</summary>
    public static Tensor Times(this Tensor a, double factor) => With(factor, s => a.mul(s));

    /// <summary>Runs <paramref name="operation"/> with a scalar that lives until it returns, then frees it.</summary>
    static Tensor With(double value, Func<Scalar, Tensor> operation)
    {
        using var scalar = value.ToScalar();
        var result = operation(scalar);
        GC.KeepAlive(scalar);
        return result;
    }
}
