using MlNetDkn.Degeneracy.Internal;

namespace MlNetDkn.Degeneracy;

/// <summary>
/// The authors' comparison clusterings on the structural distance matrix (method.md §3.5). Each returns clusters of
/// neurons, singletons included (the functional check decides what to do with them); empty clusters are never returned.
/// </summary>
public static class BaselineClustering
{
    /// <summary>scipy linkage(method='average') + fcluster(criterion='distance') at the CutQuantile of condensed
    /// D.</summary>
    public static IReadOnlyList<IReadOnlyList<Neuron>> Hierarchical(
        StructuralGraph graph,
        HierarchicalOptions? options = null
    )
    {
        options ??= new();
        int k = graph.Count;
        if (k < 2)
            return []; // the authors' code returns [] for an empty condensed matrix
        var d = ZeroDiagonal(graph);
        double cut = NumpyQuantile.Of(Condensed(d), options.CutQuantile);
        var labels = AverageLinkage.FlatClusters(AverageLinkage.Linkage(d), k, cut);
        return Group(graph, labels.Select(l => l - 1).ToArray(), labels.Max());
    }

    /// <summary>
    /// sklearn DBSCAN(metric='precomputed'): neighbours are D ≤ eps (self included), a core point has ≥ min_samples,
    /// clusters grow from core points in index order; noise is dropped.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Neuron>> Dbscan(StructuralGraph graph, DbscanOptions? options = null)
    {
        options ??= new();
        int k = graph.Count;
        var nearest = new List<double>();
        for (int i = 0; i < k; i++)
        {
            var nonZero = Enumerable.Range(0, k).Select(j => graph[i, j]).Where(v => v != 0).ToArray();
            if (nonZero.Length > 0)
                nearest.Add(nonZero.Min());
        }
        if (nearest.Count == 0)
            return [];
        double eps = NumpyQuantile.Of(nearest, options.EpsQuantile);
        int minSamples = Math.Max(options.MinSamplesFloor, (int)(k * options.MinSamplesFraction));

        var neighbours = Enumerable
            .Range(0, k)
            .Select(i => Enumerable.Range(0, k).Where(j => graph[i, j] <= eps).ToArray())
            .ToArray();
        var core = neighbours.Select(nb => nb.Length >= minSamples).ToArray();
        var labels = Enumerable.Repeat(-1, k).ToArray();
        int next = 0;
        for (int start = 0; start < k; start++)
        {
            if (labels[start] != -1 || !core[start])
                continue;
            var stack = new Stack<int>();
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                if (labels[i] != -1)
                    continue;
                labels[i] = next;
                if (!core[i])
                    continue; // border points join but do not expand
                foreach (int j in neighbours[i])
                    if (labels[j] == -1)
                        stack.Push(j);
            }
            next++;
        }
        return Group(graph, labels, next);
    }

    /// <summary>PCA of the rows of D to VarianceThreshold explained variance, then k-means (k-means++
    /// seeding).</summary>
    public static IReadOnlyList<IReadOnlyList<Neuron>> KMeans(StructuralGraph graph, KMeansOptions? options = null)
    {
        options ??= new();
        int k = graph.Count;
        if (k < 2)
            return [];
        int clusters = Math.Max(options.MinClusters, (int)(k * options.ClusterFraction));
        if (k < clusters)
            return [];
        var features = Pca(ZeroDiagonal(graph), options.VarianceThreshold);
        var labels = KMeansPlusPlus.Fit(
            features,
            clusters,
            options.Seed,
            options.Restarts,
            options.MaxIterations,
            options.Tolerance
        );
        return Group(graph, labels, clusters);
    }

    /// <summary>Rows of x centred and projected on the leading principal axes. x is [K, K]; result
    /// [K][components].</summary>
    internal static double[][] Pca(double[,] x, double varianceThreshold)
    {
        int n = x.GetLength(0),
            dim = x.GetLength(1);
        var mean = new double[dim];
        for (int j = 0; j < dim; j++)
        {
            for (int i = 0; i < n; i++)
                mean[j] += x[i, j];
            mean[j] /= n;
        }
        var cov = new double[dim, dim];
        for (int a = 0; a < dim; a++)
        for (int b = a; b < dim; b++)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
                s += (x[i, a] - mean[a]) * (x[i, b] - mean[b]);
            cov[a, b] = cov[b, a] = s / Math.Max(1, n - 1);
        }
        var (values, vectors) = SymmetricEigen.Decompose(cov);
        double total = values.Where(v => v > 0).Sum();
        int components = 1;
        if (total > 0)
        {
            double cumulative = 0;
            for (components = 0; components < dim; )
            {
                cumulative += Math.Max(values[components], 0) / total;
                components++;
                if (cumulative >= varianceThreshold)
                    break;
            }
        }
        var result = new double[n][];
        for (int i = 0; i < n; i++)
        {
            result[i] = new double[components];
            for (int c = 0; c < components; c++)
            for (int j = 0; j < dim; j++)
                result[i][c] += (x[i, j] - mean[j]) * vectors[j, c];
        }
        return result;
    }

    static double[,] ZeroDiagonal(StructuralGraph g)
    {
        var d = (double[,])g.Distances.Clone();
        for (int i = 0; i < g.Count; i++)
            d[i, i] = 0;
        return d;
    }

    static IEnumerable<double> Condensed(double[,] d)
    {
        for (int i = 0; i < d.GetLength(0); i++)
        for (int j = i + 1; j < d.GetLength(0); j++)
            yield return d[i, j];
    }

    // Clusters in label order, members in KN-list order; labels < 0 (noise) and empty clusters dropped.
    static IReadOnlyList<IReadOnlyList<Neuron>> Group(StructuralGraph g, int[] labels, int count) =>
        Enumerable
            .Range(0, count)
            .Select(c =>
                (IReadOnlyList<Neuron>)
                    Enumerable.Range(0, g.Count).Where(i => labels[i] == c).Select(i => g.Neurons[i]).ToArray()
            )
            .Where(c => c.Count > 0)
            .ToArray();
}
