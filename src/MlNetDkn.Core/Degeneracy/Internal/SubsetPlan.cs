namespace MlNetDkn.Degeneracy.Internal;

/// <summary>Which proper non-empty subsets of n components to suppress, sizes ascending, each subset
/// ascending.</summary>
internal static class SubsetPlan
{
    /// <summary>All 2^n − 2 of them, in itertools.combinations order within each size (the authors' order).</summary>
    public static int[][] All(int n) =>
        Enumerable.Range(1, Math.Max(0, n - 1)).SelectMany(size => Combinations.Of(n, size)).ToArray();

    /// <summary>
    /// Per size s in 1..n−1: all C(n, s) subsets when there are at most <paramref name="perSize"/>, else that many
    /// distinct ones drawn uniformly (seeded; sorted so the output does not depend on the draw order).
    /// </summary>
    public static int[][] Sampled(int n, int perSize, int seed)
    {
        var rng = new Random(seed);
        var result = new List<int[]>();
        for (int size = 1; size < n; size++)
        {
            if (Combinations.Count(n, size) <= perSize)
            {
                result.AddRange(Combinations.Of(n, size));
                continue;
            }
            var seen = new HashSet<string>();
            var drawn = new List<int[]>();
            while (drawn.Count < perSize)
            {
                var s = Draw(n, size, rng);
                if (seen.Add(string.Join(',', s)))
                    drawn.Add(s);
            }
            result.AddRange(drawn.OrderBy(s => s, Lexicographic.Instance));
        }
        return result.ToArray();
    }

    // Floyd's algorithm: a uniform size-subset of 0..n−1 in O(size) draws.
    static int[] Draw(int n, int size, Random rng)
    {
        var chosen = new HashSet<int>();
        for (int j = n - size; j < n; j++)
        {
            int t = rng.Next(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }
        return chosen.Order().ToArray();
    }

    sealed class Lexicographic : IComparer<int[]>
    {
        public static readonly Lexicographic Instance = new();

        public int Compare(int[]? a, int[]? b)
        {
            for (int i = 0; i < Math.Min(a!.Length, b!.Length); i++)
                if (a[i] != b[i])
                    return a[i].CompareTo(b[i]);
            return a.Length.CompareTo(b.Length);
        }
    }
}
