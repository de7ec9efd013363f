namespace MlNetDkn.Degeneracy.Internal;

/// <summary>
/// Corrected multi-hop distance: Dijkstra from each neuron over the fact's neurons, hops only forward in depth with
/// cost |1/w|, restricted to the pair's layer window (so a path never leaves [l_A, l_B]). Span > MaxSpan and no path
/// get the sentinel; same-layer pairs get the sentinel or, with <see cref="SameLayerRule.ResidualStream"/>, a direct
/// hop.
/// </summary>
internal static class ShortestPathDistances
{
    public static double[,] Compute(IReadOnlyList<Neuron> kns, ConnectionWeights hops, StructuralGraphOptions o)
    {
        int k = kns.Count;
        // Hop costs once per ordered pair; ∞ where no hop is allowed or w = 0.
        var cost = new double[k, k];
        for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
        {
            int delta = kns[j].Layer - kns[i].Layer;
            bool allowed = o.HopRule == HopRule.AdjacentLayers ? delta == 1 : delta >= 1 && o.WithinSpan(delta);
            double w = allowed ? hops.Weight(kns[i], kns[j]) : 0;
            cost[i, j] = w != 0 ? Math.Abs(1 / w) : double.PositiveInfinity;
        }

        var d = new double[k, k];
        for (int s = 0; s < k; s++)
        {
            var dist = Dijkstra(s, cost, k);
            for (int t = 0; t < k; t++)
            {
                if (t == s)
                    continue;
                int delta = kns[t].Layer - kns[s].Layer;
                if (delta < 1)
                    continue; // filled from the earlier endpoint
                double v = !o.WithinSpan(delta) || double.IsPositiveInfinity(dist[t]) ? o.NoConnection : dist[t];
                d[s, t] = d[t, s] = v;
            }
        }
        for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++)
            if (kns[i].Layer == kns[j].Layer)
            {
                double w = o.SameLayer == SameLayerRule.ResidualStream ? hops.SameLayerWeight(kns[i], kns[j]) : 0;
                d[i, j] = d[j, i] = w != 0 ? Math.Abs(1 / w) : o.NoConnection;
            }
        return d;
    }

    // Hops only go forward, so every node on a path from s to t lies in [l_s, l_t]: no window test is needed.
    static double[] Dijkstra(int source, double[,] cost, int k)
    {
        var dist = Enumerable.Repeat(double.PositiveInfinity, k).ToArray();
        var done = new bool[k];
        var queue = new PriorityQueue<int, double>();
        dist[source] = 0;
        queue.Enqueue(source, 0);
        while (queue.TryDequeue(out int u, out double du))
        {
            if (done[u] || du > dist[u])
                continue;
            done[u] = true;
            for (int v = 0; v < k; v++)
            {
                double c = cost[u, v];
                if (double.IsPositiveInfinity(c) || done[v])
                    continue;
                double nd = du + c;
                if (nd < dist[v])
                {
                    dist[v] = nd;
                    queue.Enqueue(v, nd);
                }
            }
        }
        return dist;
    }
}
