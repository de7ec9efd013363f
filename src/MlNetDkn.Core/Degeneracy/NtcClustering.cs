using MlNetDkn.Degeneracy.Internal;

namespace MlNetDkn.Degeneracy;

/// <summary>
/// Neurological topology clustering: candidate base degenerate components (the authors' "dkn_cluster_1") from the
/// structural graph. Clusters come in order of their first neuron in the KN list, members in list order.
/// </summary>
public static class NtcClustering
{
    /// <summary>Clusters the graph's neurons with the rule <see cref="NtcOptions.Method"/> names.</summary>
    /// <exception cref="DknInputException">The method value is not defined.</exception>
    public static IReadOnlyList<IReadOnlyList<Neuron>> Cluster(StructuralGraph graph, NtcOptions options) =>
        options.Method switch
        {
            NtcMethod.AuthorsUnionFind => AuthorsUnionFind(graph, options),
            NtcMethod.PersistenceGap => PersistenceGap(graph, options),
            NtcMethod.QuantileCut => QuantileCut(graph, options),
            _ => throw new DknInputException(
                $"unknown NTC method {(int)options.Method} (known: {string.Join(", ", Enum.GetNames<NtcMethod>())})"
            ),
        };

    /// <summary>Single linkage up to the CutQuantile of the finite distances; clusters of at least
    /// MinClusterSize.</summary>
    public static IReadOnlyList<IReadOnlyList<Neuron>> QuantileCut(StructuralGraph graph, NtcOptions options)
    {
        var edges = UpperTriangle(graph).Where(e => e.W < options.FiniteThreshold).ToArray();
        if (edges.Length == 0)
            return [];
        double radius = Statistics.Quantile(edges.Select(e => e.W), options.CutQuantile);
        var uf = new UnionFind(graph.Count);
        foreach (var e in edges.Where(e => e.W <= radius))
            uf.Union(e.I, e.J);
        return uf.Components()
            .Where(c => c.Points.Count >= Math.Max(1, options.MinClusterSize))
            .Select(c => (IReadOnlyList<Neuron>)c.Points.Select(p => graph.Neurons[p]).ToArray())
            .ToArray();
    }

    /// <summary>
    /// The authors' procedure (method.md §3.2): τ = quantile(finite distances, 0.2); candidate edges D &lt; τ sorted
    /// (stable); union the first int(0.5·|E|); a point's birth is the weight of its first merge; keep a component when
    /// it has ≥ 2 points and E[-1].w − birth[root] &gt; quantile(births, 0.5).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Neuron>> AuthorsUnionFind(StructuralGraph graph, NtcOptions options)
    {
        int k = graph.Count;
        var finite = UpperTriangle(graph).Select(e => e.W).Where(w => w < options.FiniteThreshold).ToArray();
        if (finite.Length == 0)
            return [];
        double tau = NumpyQuantile.Of(finite, options.DistanceQuantile);
        var edges = UpperTriangle(graph).Where(e => e.W < tau).OrderBy(e => e.W).ToArray(); // OrderBy is stable
        if (edges.Length == 0)
            return [];

        var uf = new UnionFind(k);
        var birth = new double[k];
        int used = (int)(options.FractionOfEdges * edges.Length); // Python int(): truncation
        foreach (var (i, j, w) in edges.Take(used))
        {
            if (uf.Find(i) == uf.Find(j))
                continue;
            if (uf.SizeOf(i) == 1)
                birth[i] = w;
            if (uf.SizeOf(j) == 1)
                birth[j] = w;
            uf.Union(i, j);
        }

        double persistenceThreshold = NumpyQuantile.Of(birth, options.PersistenceQuantile);
        double longest = edges[^1].W; // the longest candidate edge, even though only the first part was merged
        return uf.Components()
            .Where(c => longest - birth[c.Root] > persistenceThreshold && c.Points.Count > 1)
            .Select(c => (IReadOnlyList<Neuron>)c.Points.Select(p => graph.Neurons[p]).ToArray())
            .ToArray();
    }

    /// <summary>
    /// An alternative to the default <see cref="QuantileCut"/>: 0-dimensional persistence done the standard way. Every
    /// neuron is born at 0; Kruskal over the finite edges gives the single-linkage merge heights h_1 ≤ … ≤ h_m, and the
    /// last level FiniteThreshold closes the filtration. The cut goes into the widest gap between consecutive merge
    /// heights (log distances by default) among those where the height at least doubles (MinGapRatio): the clusters
    /// below it are the ones that persist longest. Merges 1..k* are kept, where gap k* is the widest; with no such gap
    /// every merge is kept. Clusters smaller than MinClusterSize are dropped.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Neuron>> PersistenceGap(StructuralGraph graph, NtcOptions options)
    {
        int k = graph.Count;
        var edges = UpperTriangle(graph).Where(e => e.W < options.FiniteThreshold).OrderBy(e => e.W).ToArray();
        var uf = new UnionFind(k);
        var merges = new List<(int I, int J, double W)>();
        foreach (var e in edges)
            if (uf.Find(e.I) != uf.Find(e.J))
            {
                uf.Union(e.I, e.J);
                merges.Add(e);
            }
        if (merges.Count == 0)
            return [];

        Func<double, double> scale = options.LogScaleGaps ? w => Math.Log(Math.Max(w, 1e-300)) : w => w;
        // Only gaps between consecutive merges count: the gap from the last merge up to the finite threshold is nearly
        // always the widest on a log scale and would glue every connected neuron into one cluster. A cut also needs
        // a real jump (merge heights at least MinGapRatio apart); without one, every merge is kept.
        int keep = merges.Count;
        double widest = double.NegativeInfinity;
        for (int m = 0; m + 1 < merges.Count; m++)
        {
            double gap = scale(merges[m + 1].W) - scale(merges[m].W);
            bool significant = merges[m + 1].W >= options.MinGapRatio * merges[m].W;
            if (significant && gap > widest)
            {
                widest = gap;
                keep = m + 1;
            } // first widest gap wins ties: the finer cut
        }

        var cut = new UnionFind(k);
        foreach (var (i, j, _) in merges.Take(keep))
            cut.Union(i, j);
        return cut.Components()
            .Where(c => c.Points.Count >= Math.Max(1, options.MinClusterSize))
            .Select(c => (IReadOnlyList<Neuron>)c.Points.Select(p => graph.Neurons[p]).ToArray())
            .ToArray();
    }

    // (i, j, D_ij) for i < j, row-major: the authors' edge order before sorting.
    static IEnumerable<(int I, int J, double W)> UpperTriangle(StructuralGraph g)
    {
        for (int i = 0; i < g.Count; i++)
        for (int j = i + 1; j < g.Count; j++)
            yield return (i, j, g[i, j]);
    }
}
