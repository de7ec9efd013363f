using MlNetDkn.Attribution.Internal;
using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// The matrix products the fast path runs for one prompt (GPT-2 layout, pre-activation site, one batch holding every
/// row; the LM head in its vocabulary slices), each timed alone at its own shape: what the path would cost if it did
/// nothing but its GEMMs at the rates libtorch reaches for those shapes here. Against the 2048² rate this is a tighter
/// floor, because small-row and vocabulary-sized products run slower than a square one.
/// </summary>
static class FastPathGemms
{
    /// <returns>Seconds of the GEMMs alone and their GFLOP.</returns>
    public static (double Seconds, double Gflop) Time(
        ModelConfig c,
        int promptTokens,
        int rowsPerLayer,
        ScalarType dtype,
        Device device
    )
    {
        long d = c.HiddenSize,
            f = c.IntermediateSize,
            v = c.VocabSize,
            rows = (long)rowsPerLayer * c.NumLayers;
        var products = new List<(long M, long K, long N)>();
        void Block(long m, bool backward)
        {
            products.AddRange([(m, d, 3 * d), (m, d, d), (m, d, f), (m, f, d)]);
            if (backward)
                products.AddRange([(m, 3 * d, d), (m, d, d), (m, f, d), (m, d, f)]);
        }
        for (int l = 0; l < c.NumLayers; l++)
            Block(promptTokens, backward: false); // clean pass
        products.Add((1, d, v));
        for (int j = 0; j < c.NumLayers; j++)
        {
            long started = (long)rowsPerLayer * j;
            if (started > 0)
                Block(started, backward: true); // rows through block j
            // joining rows' down projection, its backward
            products.AddRange([(rowsPerLayer, f, d), (rowsPerLayer, d, f)]);
        }
        for (long start = 0; start < v; start += HeadGradient.SliceRows) // LM head and its gradient, per slice
        {
            long slice = Math.Min(v, start + HeadGradient.SliceRows) - start;
            products.AddRange([(rows, d, slice), (rows, slice, d)]);
        }
        var rates = new Dictionary<(long, long, long), double>();
        double seconds = 0,
            flops = 0;
        foreach (var p in products)
        {
            if (!rates.TryGetValue(p, out var s))
                rates[p] = s = GemmTiming.Seconds(p.M, p.K, p.N, dtype, device);
            seconds += s;
            flops += 2.0 * p.M * p.K * p.N;
        }
        return (seconds, flops / 1e9);
    }
}
