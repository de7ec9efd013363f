namespace MlNetDkn.Degeneracy.Internal;

/// <summary>
/// Lloyd's k-means with greedy k-means++ seeding (2 + ⌊ln k⌋ candidates per centre, as scikit-learn), seeded by an
/// explicit System.Random so runs repeat. Not bit-compatible with scikit-learn's NumPy RNG.
/// </summary>
internal static class KMeansPlusPlus
{
    /// <summary>Labels 0..k−1 of the best of <paramref name="restarts"/> runs (lowest inertia). x is [rows,
    /// dims].</summary>
    public static int[] Fit(double[][] x, int k, int seed, int restarts, int maxIterations, double tolerance)
    {
        var rng = new Random(seed);
        int[]? best = null;
        double bestInertia = double.PositiveInfinity;
        // scikit-learn's tol is relative to the mean per-feature variance.
        double tol = tolerance * MeanVariance(x);
        for (int r = 0; r < Math.Max(1, restarts); r++)
        {
            var centres = Seed(x, k, rng);
            var labels = Lloyd(x, centres, maxIterations, tol);
            double inertia = x.Select((p, i) => Sq(p, centres[labels[i]])).Sum();
            if (inertia < bestInertia)
            {
                bestInertia = inertia;
                best = labels;
            }
        }
        return best!;
    }

    static double[][] Seed(double[][] x, int k, Random rng)
    {
        int n = x.Length;
        int trials = 2 + (int)Math.Log(k);
        var centres = new List<double[]> { x[rng.Next(n)] };
        var closest = x.Select(p => Sq(p, centres[0])).ToArray();
        while (centres.Count < k)
        {
            double total = closest.Sum();
            int pick = -1;
            double pickPotential = double.PositiveInfinity;
            double[]? pickClosest = null;
            for (int t = 0; t < trials; t++)
            {
                int c = total > 0 ? Sample(closest, total * rng.NextDouble()) : rng.Next(n);
                var updated = closest.Select((d, i) => Math.Min(d, Sq(x[i], x[c]))).ToArray();
                double potential = updated.Sum();
                if (potential < pickPotential)
                {
                    pickPotential = potential;
                    pick = c;
                    pickClosest = updated;
                }
            }
            centres.Add(x[pick]);
            closest = pickClosest!;
        }
        return centres.Select(c => (double[])c.Clone()).ToArray();
    }

    static int Sample(double[] weights, double target)
    {
        double acc = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (target < acc)
                return i;
        }
        return weights.Length - 1;
    }

    static int[] Lloyd(double[][] x, double[][] centres, int maxIterations, double tol)
    {
        int n = x.Length,
            k = centres.Length,
            dim = x[0].Length;
        var labels = new int[n];
        for (int it = 0; it < maxIterations; it++)
        {
            for (int i = 0; i < n; i++)
            {
                int arg = 0;
                for (int c = 1; c < k; c++)
                    if (Sq(x[i], centres[c]) < Sq(x[i], centres[arg]))
                        arg = c;
                labels[i] = arg;
            }
            double shift = 0;
            for (int c = 0; c < k; c++)
            {
                var members = Enumerable.Range(0, n).Where(i => labels[i] == c).ToArray();
                if (members.Length == 0)
                    continue; // an empty cluster keeps its centre
                var mean = new double[dim];
                foreach (int i in members)
                    for (int d = 0; d < dim; d++)
                        mean[d] += x[i][d] / members.Length;
                shift += Sq(mean, centres[c]);
                centres[c] = mean;
            }
            if (shift <= tol)
                break;
        }
        for (int i = 0; i < n; i++)
        {
            int arg = 0;
            for (int c = 1; c < k; c++)
                if (Sq(x[i], centres[c]) < Sq(x[i], centres[arg]))
                    arg = c;
            labels[i] = arg;
        }
        return labels;
    }

    static double MeanVariance(double[][] x)
    {
        int dim = x[0].Length;
        double sum = 0;
        for (int d = 0; d < dim; d++)
        {
            double mean = x.Average(p => p[d]);
            sum += x.Average(p => (p[d] - mean) * (p[d] - mean));
        }
        return sum / dim;
    }

    static double Sq(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double e = a[i] - b[i];
            s += e * e;
        }
        return s;
    }
}
