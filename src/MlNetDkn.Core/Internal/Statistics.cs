namespace MlNetDkn;

/// <summary>Small statistics used across stages, with numpy's conventions where a peer relies on them.</summary>
public static class Statistics
{
    /// <summary>numpy.quantile with the default "linear" interpolation; q in [0, 1].</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) throw new ArgumentException("quantile of an empty set");
        double position = q * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
