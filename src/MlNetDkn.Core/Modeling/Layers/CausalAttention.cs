using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Layers;

/// <summary>Scaled dot-product attention with a causal mask offset by the cached length, and grouped-query heads.</summary>
public static class CausalAttention
{
    /// <summary>q: [B, H, T, hd]; k, v: [B, Hkv, S, hd] with S = past + T. Returns [B, T, H·hd].</summary>
    public static Tensor Compute(Tensor q, Tensor k, Tensor v)
    {
        using var scope = NewDisposeScope();
        long batch = q.shape[0], heads = q.shape[1], t = q.shape[2], hd = q.shape[3], s = k.shape[2];
        long groups = heads / k.shape[1];
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, 1);
            v = v.repeat_interleave(groups, 1);
        }
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(hd);                         // [B, H, T, S]
        long past = s - t;
        if (t > 1)
        {
            var mask = ones(t, s, ScalarType.Bool, q.device).triu(past + 1);                // true = future
            scores = scores.masked_fill(mask, double.NegativeInfinity);
        }
        var probs = scores.softmax(-1);
        var output = probs.matmul(v);                                                         // [B, H, T, hd]
        return output.transpose(1, 2).reshape(batch, t, heads * hd).MoveToOuterDisposeScope();
    }
}
