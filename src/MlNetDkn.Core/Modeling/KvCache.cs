using static TorchSharp.torch;

namespace MlNetDkn.Modeling;

/// <summary>
/// Keys and values of the tokens already processed, per layer: K, V of shape [B, Hkv, S, hd]. A frozen cache is read
/// but never extended, so many single-token rows can be evaluated against one shared prefix. A cache of batch 1 is
/// broadcast over a batch of any size.
/// </summary>
public sealed class KvCache : IDisposable
{
    readonly Tensor?[] _keys;
    readonly Tensor?[] _values;

    /// <summary>An empty cache for a model of <paramref name="numLayers"/> blocks.</summary>
    public KvCache(int numLayers)
    {
        _keys = new Tensor?[numLayers];
        _values = new Tensor?[numLayers];
    }

    /// <summary>Number of cached positions.</summary>
    public int Length { get; private set; }

    /// <summary>When true, forwards attend to the cache without appending to it.</summary>
    public bool Frozen { get; set; }

    /// <summary>
    /// The cached K, V of a layer when they can be shared as they are by a batch of new single-token rows: the cache
    /// is frozen and holds one sequence. Null otherwise.
    /// </summary>
    public (Tensor Keys, Tensor Values)? SharedPrefix(int layer, long batch, long newTokens)
    {
        var k = _keys[layer];
        if (!Frozen || k is null || newTokens != 1 || batch == 1 || k.shape[0] != 1)
            return null;
        return (k, _values[layer]!);
    }

    /// <summary>Returns K, V for layer <paramref name="layer"/> including the new positions; stores them unless
    /// frozen.</summary>
    public (Tensor Keys, Tensor Values) Extend(int layer, Tensor newKeys, Tensor newValues)
    {
        var cachedK = _keys[layer];
        var cachedV = _values[layer];
        if (cachedK is null || cachedV is null)
        {
            if (!Frozen)
                Store(layer, newKeys, newValues);
            return (newKeys, newValues);
        }
        long batch = newKeys.shape[0];
        if (cachedK.shape[0] != batch)
        {
            cachedK = cachedK.expand(batch, -1, -1, -1);
            cachedV = cachedV.expand(batch, -1, -1, -1);
        }
        var k = cat([cachedK, newKeys], 2);
        var v = cat([cachedV, newValues], 2);
        if (!Frozen)
            Store(layer, k, v);
        return (k, v);
    }

    void Store(int layer, Tensor k, Tensor v)
    {
        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        // Detached and moved out of any dispose scope: the cache outlives the batch that filled it.
        _keys[layer] = k.detach().DetachFromDisposeScope();
        _values[layer] = v.detach().DetachFromDisposeScope();
        if (layer == _keys.Length - 1)
            Length = (int)k.shape[2];
    }

    /// <summary>Keeps only the first <paramref name="length"/> positions (drops what a longer pass stored after
    /// them).</summary>
    public void Truncate(int length)
    {
        for (int l = 0; l < _keys.Length; l++)
        {
            if (_keys[l] is not { } k || _values[l] is not { } v)
                continue;
            var keptK = k[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, length)]
                .contiguous()
                .DetachFromDisposeScope();
            var keptV = v[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, length)]
                .contiguous()
                .DetachFromDisposeScope();
            k.Dispose();
            v.Dispose();
            _keys[l] = keptK;
            _values[l] = keptV;
        }
        Length = Math.Min(Length, length);
    }

    /// <summary>Disposes every cached key and value tensor.</summary>
    public void Dispose()
    {
        foreach (var t in _keys)
            t?.Dispose();
        foreach (var t in _values)
            t?.Dispose();
    }
}
