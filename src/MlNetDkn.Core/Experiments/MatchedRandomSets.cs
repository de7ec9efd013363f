using System.Numerics;
using MlNetDkn.Perturbation.Queries;

namespace MlNetDkn.Experiments;

/// <summary>
/// Control neuron sets: random sets with the same number of neurons in every layer as a target set (so size and
/// layer distribution match), drawn without replacement from neurons outside an excluded set (the fact's knowledge
/// neurons). Each draw has its own seed from (seed, fact, label, draw), so a fact's controls do not depend on the
/// other facts of a run. <see cref="DrawFrom"/> draws inside a given pool instead (a subset of the knowledge neurons).
/// </summary>
public static class MatchedRandomSets
{
    /// <paramref name="draws"/> sets with the target's count per layer, drawn from the layer's neurons 0..width−1
    /// outside <paramref name="excluded"/>, each sorted; throws <see cref="DknInputException"/> when a layer has too
    /// few.
    /// <param name="label">Names the control, so different controls of one fact draw different streams.</param>
    public static IReadOnlyList<Neuron[]> Draw(
        IReadOnlyCollection<Neuron> target,
        IReadOnlySet<Neuron> excluded,
        int width,
        int draws,
        int seed,
        string factId,
        string label
    ) =>
        Sample(
            target,
            layer => Enumerable.Range(0, width).Where(i => !excluded.Contains(new Neuron(layer, i))).ToArray(),
            "outside the excluded set",
            draws,
            seed,
            factId,
            label
        );

    /// <summary>Sets with the target's count per layer drawn from <paramref name="pool"/>'s neurons of that
    /// layer.</summary>
    public static IReadOnlyList<Neuron[]> DrawFrom(
        IReadOnlyCollection<Neuron> target,
        IReadOnlyCollection<Neuron> pool,
        int draws,
        int seed,
        string factId,
        string label
    )
    {
        var byLayer = pool.Distinct()
            .GroupBy(n => n.Layer)
            .ToDictionary(g => g.Key, g => g.Select(n => n.Index).Order().ToArray());
        return Sample(target, layer => byLayer.GetValueOrDefault(layer, []), "in the pool", draws, seed, factId, label);
    }

    static IReadOnlyList<Neuron[]> Sample(
        IReadOnlyCollection<Neuron> target,
        Func<int, int[]> candidates,
        string where,
        int draws,
        int seed,
        string factId,
        string label
    )
    {
        var perLayer = target
            .Distinct()
            .GroupBy(n => n.Layer)
            .OrderBy(g => g.Key)
            .Select(g => (Layer: g.Key, Count: g.Count()))
            .ToList();
        foreach (var (layer, count) in perLayer)
        {
            int free = candidates(layer).Length;
            if (free < count)
                throw new DknInputException(
                    $"fact '{factId}': layer {layer} has {free} neurons {where}, a matched random set needs {count}"
                );
        }
        var sets = new List<Neuron[]>(draws);
        for (int d = 0; d < draws; d++)
        {
            var digest = System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes($"{seed}\u001f{factId}\u001f{label}\u001f{d}")
            );
            var rng = new PythonRandom(new BigInteger(digest.AsSpan(0, 8), isUnsigned: true));
            var set = new List<Neuron>();
            foreach (var (layer, count) in perLayer)
            {
                // Partial Fisher–Yates over the layer's free neurons.
                var pool = candidates(layer).ToArray();
                for (int k = 0; k < count; k++)
                {
                    int j = k + rng.RandBelow(pool.Length - k);
                    (pool[k], pool[j]) = (pool[j], pool[k]);
                    set.Add(new Neuron(layer, pool[k]));
                }
            }
            sets.Add([.. set.Order()]);
        }
        return sets;
    }
}
