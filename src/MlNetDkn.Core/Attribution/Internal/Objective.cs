using static TorchSharp.torch;

namespace MlNetDkn.Attribution.Internal;

static class Objective
{
    /// <summary>logits [N, V] → objective per row [N] for the target token, the softmax in float32 at least.</summary>
    public static Tensor Of(Tensor logits, long target, AttributionObjective objective) =>
        objective switch
        {
            AttributionObjective.Probability => Precise(logits).softmax(-1)[
                TensorIndex.Colon,
                TensorIndex.Single(target)
            ],
            _ => Precise(logits).log_softmax(-1)[TensorIndex.Colon, TensorIndex.Single(target)],
        };

    /// <summary>The tensor in float32 when it is held in a reduced dtype (bfloat16, float16), else as it is.</summary>
    public static Tensor Precise(Tensor t) =>
        t.dtype is ScalarType.Float32 or ScalarType.Float64 ? t : t.to_type(ScalarType.Float32);
}
