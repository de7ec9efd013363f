using static TorchSharp.torch;

namespace MlNetDkn.Attribution.Internal;

static class Objective
{
    /// <summary>logits [N, V] → objective per row [N] for the target token.</summary>
    public static Tensor Of(Tensor logits, long target, AttributionObjective objective) => objective switch
    {
        AttributionObjective.Probability => logits.softmax(-1)[TensorIndex.Colon, TensorIndex.Single(target)],
        _ => logits.log_softmax(-1)[TensorIndex.Colon, TensorIndex.Single(target)],
    };
}
