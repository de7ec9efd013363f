using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Layers;

/// <summary>
/// LLaMA RMSNorm: x · rsqrt(mean(x²) + eps) · weight. Like transformers, the normalisation always runs in float32
/// (an up-cast for half precision, a down-cast for float64), so results match the reference in every dtype.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    readonly Parameter _weight;
    readonly double _eps;

    /// <summary>
    /// A norm over the last <paramref name="size"/> dimensions with weight initialised to 1, in the building dtype.
    /// </summary>
    public RmsNorm(int size, double eps)
        : base(nameof(RmsNorm))
    {
        _weight = new Parameter(ones(size, dtype: ModuleFactory.DType ?? get_default_dtype()));
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>x [..., size] → normalised x in x's dtype, computed in float32.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inputType = x.dtype;
        var wide = x.to_type(ScalarType.Float32);
        var normed = wide * rsqrt(wide.Power(2).mean([-1], keepdim: true).Plus(_eps));
        return (_weight * normed.to_type(inputType)).MoveToOuterDisposeScope();
    }
}
