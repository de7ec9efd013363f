namespace MlNetDkn;

/// <summary>
/// np.quantile with its default 'linear' method, bit for bit: virtual index (n−1)·q, then numpy's _lerp, which
/// computes b − (b−a)(1−t) instead of a + (b−a)t when t ≥ 0.5. Thresholds compared with strict '&lt;' depend on it.
/// </summary>
internal static class NumpyQuantile
{
    public static double Of(IEnumerable<double> values, double q)
    {
        var x = values.ToArray();
        if (x.Length == 0)
            throw new ArgumentException("quantile of an empty set");
        if (q < 0 || q > 1)
            throw new ArgumentOutOfRangeException(nameof(q), q, "quantile must be in [0, 1]");
        Array.Sort(x);
        double virtualIndex = (x.Length - 1) * q;
        int lo = (int)Math.Floor(virtualIndex);
        int hi = Math.Min(lo + 1, x.Length - 1);
        double t = virtualIndex - lo;
        double a = x[lo],
            b = x[hi];
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }
}
