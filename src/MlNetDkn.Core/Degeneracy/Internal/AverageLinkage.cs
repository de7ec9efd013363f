namespace MlNetDkn.Degeneracy.Internal;

/// <summary>
/// UPGMA (average linkage) plus scipy's fcluster(criterion='distance'), written out because K is at most a few hundred
/// (O(K³) is nothing), because no served .NET package offers scipy's merge-tree labelling, and because the flat-cluster
/// numbering must follow scipy's traversal to list clusters in the authors' order.
/// </summary>
internal static class AverageLinkage
{
    /// <summary>One merge: children as scipy ids (leaves 0..n−1, merge m is n+m), smaller id first, and the
    /// height.</summary>
    public readonly record struct Merge(int Left, int Right, double Height);

    public static Merge[] Linkage(double[,] d)
    {
        int n = d.GetLength(0);
        var dist = (double[,])d.Clone();
        var id = Enumerable.Range(0, n).ToArray(); // scipy id of the cluster stored in slot i
        var size = Enumerable.Repeat(1, n).ToArray();
        var alive = Enumerable.Repeat(true, n).ToArray();
        var merges = new Merge[Math.Max(0, n - 1)];
        for (int m = 0; m < n - 1; m++)
        {
            int a = -1,
                b = -1;
            double best = double.PositiveInfinity;
            for (int i = 0; i < n; i++)
                if (alive[i])
                    for (int j = i + 1; j < n; j++)
                        if (alive[j] && (a < 0 || dist[i, j] < best))
                        {
                            best = dist[i, j];
                            a = i;
                            b = j;
                        }
            merges[m] = new Merge(Math.Min(id[a], id[b]), Math.Max(id[a], id[b]), best);
            // Lance–Williams for the average: size-weighted mean of the two rows, kept in slot a.
            for (int k = 0; k < n; k++)
                if (alive[k] && k != a && k != b)
                    dist[a, k] = dist[k, a] = (size[a] * dist[a, k] + size[b] * dist[b, k]) / (size[a] + size[b]);
            size[a] += size[b];
            id[a] = n + m;
            alive[b] = false;
        }
        return merges;
    }

    /// <summary>
    /// Flat labels 1..c: a subtree whose height ≤ cutoff is one cluster (average linkage is monotone, so its height is
    /// its largest cophenetic distance). Numbering follows scipy's cluster_monocrit walk: left subtree, right subtree,
    /// then the node's own leaf children.
    /// </summary>
    public static int[] FlatClusters(Merge[] z, int n, double cutoff)
    {
        var labels = new int[n];
        if (n == 1)
        {
            labels[0] = 1;
            return labels;
        }
        int count = 0;
        int leader = -1;
        void Walk(int node)
        {
            var m = z[node - n];
            if (leader == -1 && m.Height <= cutoff)
            {
                leader = node;
                count++;
            }
            if (m.Left >= n)
                Walk(m.Left);
            if (m.Right >= n)
                Walk(m.Right);
            foreach (int child in new[] { m.Left, m.Right })
                if (child < n)
                {
                    if (leader == -1)
                        count++;
                    labels[child] = count;
                }
            if (leader == node)
                leader = -1;
        }
        Walk(2 * n - 2);
        return labels;
    }
}
