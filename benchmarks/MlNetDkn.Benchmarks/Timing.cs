using System.Diagnostics;

namespace MlNetDkn.Benchmarks;

/// <summary>Wall seconds of one call, for benchmarks that alternate two variants and keep per-pair ratios.</summary>
static class Timing
{
    public static double Seconds(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }
}
