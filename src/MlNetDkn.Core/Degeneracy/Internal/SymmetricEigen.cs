namespace MlNetDkn.Degeneracy.Internal;

/// <summary>Cyclic Jacobi eigen-decomposition of a small symmetric matrix (PCA of a K×K distance matrix).</summary>
internal static class SymmetricEigen
{
    /// <summary>Eigenvalues descending and matching eigenvectors as columns of the returned matrix.</summary>
    public static (double[] Values, double[,] Vectors) Decompose(double[,] symmetric)
    {
        int n = symmetric.GetLength(0);
        var a = (double[,])symmetric.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++)
            v[i, i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0,
                scale = 0;
            for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j)
                    off += a[i, j] * a[i, j];
                else
                    scale += a[i, i] * a[i, i];
            if (off <= 1e-30 * Math.Max(scale, 1e-300))
                break;
            for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++)
            {
                if (a[p, q] == 0)
                    continue;
                double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                double c = 1 / Math.Sqrt(t * t + 1),
                    s = t * c;
                for (int k = 0; k < n; k++)
                {
                    double akp = a[k, p],
                        akq = a[k, q];
                    a[k, p] = c * akp - s * akq;
                    a[k, q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++)
                {
                    double apk = a[p, k],
                        aqk = a[q, k];
                    a[p, k] = c * apk - s * aqk;
                    a[q, k] = s * apk + c * aqk;
                }
                for (int k = 0; k < n; k++)
                {
                    double vkp = v[k, p],
                        vkq = v[k, q];
                    v[k, p] = c * vkp - s * vkq;
                    v[k, q] = s * vkp + c * vkq;
                }
            }
        }
        var order = Enumerable.Range(0, n).OrderByDescending(i => a[i, i]).ToArray();
        var values = order.Select(i => a[i, i]).ToArray();
        var vectors = new double[n, n];
        for (int c = 0; c < n; c++)
        for (int r = 0; r < n; r++)
            vectors[r, c] = v[r, order[c]];
        return (values, vectors);
    }
}
