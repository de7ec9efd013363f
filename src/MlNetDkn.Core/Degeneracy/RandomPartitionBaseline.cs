using System.Numerics;
using MlNetDkn.Perturbation.Queries;

namespace MlNetDkn.Degeneracy;

/// <summary>
/// The null of random partitions: a fact's knowledge neurons shuffled (seeded by the neurons themselves, so the same
/// set always gets the same partition) and dealt into k groups, k chosen as the k-means baseline chooses it. Run
/// through the same functional check, it says how often an arbitrary split of the knowledge neurons passes as a DKN.
/// </summary>
public static class RandomPartitionBaseline
{
    /// <summary>
    /// Deals the shuffled neurons into k = max(MinClusters, int(ClusterFraction·K)) groups; empty when K &lt; 2 or K
    /// &lt; k.
    /// </summary>
    /// <param name="seed">Mixed into the shuffle's seed with the neurons, for independent draws of one set.</param>
    public static IReadOnlyList<IReadOnlyList<Neuron>> Partition(
        IReadOnlyList<Neuron> neurons,
        KMeansOptions? options = null,
        int seed = 0
    )
    {
        options ??= new();
        int n = neurons.Count;
        int k = Math.Max(options.MinClusters, (int)(n * options.ClusterFraction));
        if (n < 2 || n < k)
            return [];
        var digest = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{seed}\u001f{string.Join(",", neurons)}")
        );
        var rng = new PythonRandom(new BigInteger(digest.AsSpan(0, 8), isUnsigned: true));
        var order = neurons.ToArray();
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.RandBelow(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return Enumerable
            .Range(0, k)
            .Select(g => (IReadOnlyList<Neuron>)order.Where((_, i) => i % k == g).Order().ToArray())
            .ToArray();
    }
}
