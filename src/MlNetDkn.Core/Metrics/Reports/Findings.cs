using System.Globalization;

namespace MlNetDkn.Metrics.Reports;

/// <summary>The wording of a finding from an estimate and its 95 % interval, shared by every experiment's
/// summary.</summary>
public static class Findings
{
    /// <summary>The number in <paramref name="format"/>, invariant culture; "–" for NaN.</summary>
    public static string F(double v, string format = "0.##") =>
        double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>" [low, high]" formatted as <see cref="F"/>; " [no interval]" when the lower bound is NaN.</summary>
    public static string Ci(double low, double high, string format = "0.##") =>
        double.IsNaN(low) ? " [no interval]" : $" [{F(low, format)}, {F(high, format)}]";

    /// <summary>Which side of 0 the interval lies on: <paramref name="above"/>, <paramref name="below"/>, or "no
    /// different from" when it covers 0 (a null finding, said as such).</summary>
    public static string Side(double low, double high, string above, string below, string none) =>
        double.IsNaN(low) || double.IsNaN(high) ? none + " (no interval)"
        : low > 0 ? above
        : high < 0 ? below
        : none;
}
