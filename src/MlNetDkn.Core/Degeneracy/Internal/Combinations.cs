namespace MlNetDkn.Degeneracy.Internal;

/// <summary>k-subsets of 0..n−1 in itertools.combinations order (lexicographic).</summary>
internal static class Combinations
{
    public static IEnumerable<int[]> Of(int n, int k)
    {
        if (k < 0 || k > n)
            yield break;
        var c = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return (int[])c.Clone();
            int i = k - 1;
            while (i >= 0 && c[i] == n - k + i)
                i--;
            if (i < 0)
                yield break;
            c[i]++;
            for (int j = i + 1; j < k; j++)
                c[j] = c[j - 1] + 1;
        }
    }

    /// <summary>C(n, k) as a double (exact up to 2^53), so callers can compare against sample budgets without
    /// overflow.</summary>
    public static double Count(int n, int k)
    {
        if (k < 0 || k > n)
            return 0;
        int m = Math.Min(k, n - k); // C(n, k) = C(n, m)
        double r = 1;
        for (int i = 1; i <= m; i++)
            r = r * (n - m + i) / i;
        return Math.Round(r);
    }
}
