namespace MlNetDkn.Degeneracy.Internal;

/// <summary>
/// The authors' get_adjacency_matrix / compute_distance_between_neurons, reproduced step for step, bugs included
/// (method.md §3.1, §7 item 10), so their matrices come out to the last few ulps.
/// </summary>
internal static class AuthorsPathDistances
{
    public static double[,] Compute(IReadOnlyList<Neuron> kns, ConnectionWeights hops, StructuralGraphOptions o)
    {
        int k = kns.Count;
        var d = new double[k, k];
        for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++)
            d[i, j] = d[j, i] = Pair(kns[i], kns[j], kns, hops, o);
        return d;
    }

    static double Pair(Neuron x, Neuron y, IReadOnlyList<Neuron> kns, ConnectionWeights hops, StructuralGraphOptions o)
    {
        if (x.Layer == y.Layer || Math.Abs(x.Layer - y.Layer) > o.MaxSpan)
            return o.NoConnection;
        var (a, b) = x.Layer < y.Layer ? (x, y) : (y, x);
        if (b.Layer - a.Layer == 1)
            return hops.Hop(a, b);

        double best = o.NoConnection;
        // Intermediates keep the list order: it decides which of two same-layer neurons comes first in a path.
        var between = kns.Where(n => a.Layer < n.Layer && n.Layer < b.Layer).ToArray();
        if (between.Select(n => n.Layer).Distinct().Count() < b.Layer - a.Layer - 1)
            return best;

        foreach (var combo in Combinations.Of(between.Length, o.MaxSpan - 1))
        {
            // Stable sort by layer, as Python's sorted(key=layer).
            var path = combo.Select(c => between[c]).OrderBy(n => n.Layer).ToArray();
            if (path[0].Layer != a.Layer + 1 || path[^1].Layer != b.Layer - 1)
                continue;
            double dist = hops.Hop(a, path[0]);
            for (int p = 0; p + 1 < path.Length; p++)
                dist += hops.Hop(path[p], path[p + 1]);
            dist += hops.Hop(path[^1], b);
            best = Math.Min(best, dist);
        }
        return best;
    }
}
