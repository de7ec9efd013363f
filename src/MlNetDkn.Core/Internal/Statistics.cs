namespace MlNetDkn;

/// <summary>Small statistics used across stages, with numpy's conventions where a peer relies on them.</summary>
public static class Statistics
{
    /// <summary>numpy.quantile with the default "linear" interpolation, bit for bit; q in [0, 1].</summary>
    public static double Quantile(IEnumerable<double> values, double q) => NumpyQuantile.Of(values, q);

    /// <summary>|A ∩ B| / |A ∪ B|; two empty sets agree fully (1).</summary>
    public static double Jaccard<T>(IEnumerable<T> a, IEnumerable<T> b)
    {
        var left = a.ToHashSet();
        var right = b.ToHashSet();
        int union = left.Union(right).Count();
        return union == 0 ? 1 : left.Intersect(right).Count() / (double)union;
    }
}
