using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Layers;

/// <summary>
/// Tensor arithmetic whose scalar operands stay alive for the whole native call. TorchSharp's <c>a + b</c> and
/// <c>a * 0.5</c> build a temporary <see cref="Scalar"/> whose finalizer may free it while libtorch still reads it
/// (a garbage collection on another thread in between): the call then fails with "Expected false to be true" from
/// Scalar::toFloat. The hot forward paths use these instead.
/// </summary>
public static class KeptScalars
{
    /// <summary>Never collected: a static root.</summary>
    static readonly Scalar One = 1.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + value (a scalar).</summary>
    public static Tensor Plus(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        var result = a.add(scalar);
        GC.KeepAlive(scalar);
        return result;
    }

    /// <summary>a with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public static Tensor Filled(this Tensor a, Tensor mask, double value)
    {
        using var scalar = value.ToScalar();
        var result = a.masked_fill(mask, scalar);
        GC.KeepAlive(scalar);
        return result;
    }

    /// <summary>a ^ exponent.</summary>
    public static Tensor Power(this Tensor a, double exponent)
    {
        using var scalar = exponent.ToScalar();
        var result = a.pow(scalar);
        GC.KeepAlive(scalar);
        return result;
    }

    /// <summary>a / divisor.</summary>
    public static Tensor Over(this Tensor a, double divisor)
    {
        using var scalar = divisor.ToScalar();
        var result = a.div(scalar);
        GC.KeepAlive(scalar);
        return result;
    }

    /// <summary>a · factor.</summary>
    public static Tensor Times(this Tensor a, double factor)
    {
        using var scalar = factor.ToScalar();
        var result = a.mul(scalar);
        GC.KeepAlive(scalar);
        return result;
    }
}
