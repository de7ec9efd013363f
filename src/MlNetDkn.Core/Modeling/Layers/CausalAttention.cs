using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Layers;

/// <summary>Scaled dot-product attention with a causal mask offset by the cached length, and grouped-query
/// heads.</summary>
public static class CausalAttention
{
    /// <summary>
    /// Attention of new positions over the cache (if any) and themselves, storing the new K, V unless the cache is
    /// frozen. q: [B, H, T, hd]; k, v: [B, Hkv, T, hd]. Returns [B, T, H·hd].
    /// </summary>
    public static Tensor Run(Tensor q, Tensor k, Tensor v, KvCache? cache, int layer)
    {
        if (cache is null)
            return Compute(q, k, v);
        if (cache.SharedPrefix(layer, q.shape[0], q.shape[2]) is var (prefixK, prefixV))
            return ComputeOverSharedPrefix(q, k, v, prefixK, prefixV);
        var (keys, values) = cache.Extend(layer, k, v);
        return Compute(q, keys, values);
    }

    /// <summary>
    /// Many single-token rows over one shared prefix: the prefix scores of all rows are one matrix product per head
    /// ([N, hd] × [hd, S]) instead of N tiny products against N copies of the prefix; each row then adds its own key.
    /// q, k, v: [N, H(kv), 1, hd]; prefix K, V: [1, Hkv, S, hd].
    /// </summary>
    static Tensor ComputeOverSharedPrefix(Tensor q, Tensor k, Tensor v, Tensor prefixK, Tensor prefixV)
    {
        using var scope = NewDisposeScope();
        long n = q.shape[0],
            heads = q.shape[1],
            hd = q.shape[3];
        long groups = heads / k.shape[1];
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, 1);
            v = v.repeat_interleave(groups, 1);
            prefixK = prefixK.repeat_interleave(groups, 1);
            prefixV = prefixV.repeat_interleave(groups, 1);
        }
        double scale = 1.0 / Math.Sqrt(hd);
        var qh = q[TensorIndex.Colon, TensorIndex.Colon, 0].transpose(0, 1); // [H, N, hd]
        var kp = prefixK[0]; // [H, S, hd]
        var vp = prefixV[0]; // [H, S, hd]
        var prefixScores = qh.matmul(kp.transpose(-2, -1)).Times(scale); // [H, N, S]
        var ownScores = (qh * k[TensorIndex.Colon, TensorIndex.Colon, 0].transpose(0, 1))
            .sum([-1], keepdim: true)
            .Times(scale); // [H, N, 1]
        var probs = cat([prefixScores, ownScores], -1).softmax(-1); // [H, N, S+1]
        long s = kp.shape[1];
        var output = probs[TensorIndex.Ellipsis, TensorIndex.Slice(0, s)]
            .matmul(vp)
            .Plus(
                probs[TensorIndex.Ellipsis, TensorIndex.Slice(s, s + 1)]
                    * v[TensorIndex.Colon, TensorIndex.Colon, 0].transpose(0, 1)
            ); // [H, N, hd]
        return output.transpose(0, 1).reshape(n, 1, heads * hd).MoveToOuterDisposeScope();
    }

    /// <summary>q: [B, H, T, hd]; k, v: [B, Hkv, S, hd] with S = past + T. Returns [B, T, H·hd].</summary>
    public static Tensor Compute(Tensor q, Tensor k, Tensor v)
    {
        using var scope = NewDisposeScope();
        long batch = q.shape[0],
            heads = q.shape[1],
            t = q.shape[2],
            hd = q.shape[3],
            s = k.shape[2];
        long groups = heads / k.shape[1];
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, 1);
            v = v.repeat_interleave(groups, 1);
        }
        var scores = q.matmul(k.transpose(-2, -1)).Over(Math.Sqrt(hd)); // [B, H, T, S]
        long past = s - t;
        if (t > 1)
        {
            var mask = ones(t, s, ScalarType.Bool, q.device).triu(past + 1); // true = future
            scores = scores.Filled(mask, double.NegativeInfinity);
        }
        var probs = scores.softmax(-1);
        var output = probs.matmul(v); // [B, H, T, hd]
        return output.transpose(1, 2).reshape(batch, t, heads * hd).MoveToOuterDisposeScope();
    }
}
