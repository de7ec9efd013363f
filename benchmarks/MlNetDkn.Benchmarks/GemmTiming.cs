using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>Median seconds of one [m, k] · [k, n] product (five runs after a warm-up), the one GEMM timer every
/// benchmark uses.</summary>
static class GemmTiming
{
    /// <param name="transposed">B stored as [n, k] and used transposed, as a linear layer's weight is.</param>
    public static double Seconds(long m, long k, long n, ScalarType dtype, Device device, bool transposed = true)
    {
        using var a = randn(m, k, device: device).to_type(dtype);
        using var stored = (transposed ? randn(n, k, device: device) : randn(k, n, device: device)).to_type(dtype);
        using var b = transposed ? stored.t() : stored.alias();
        // CUDA launches return at once: wait for the product, or the time measures the launch.
        void Run()
        {
            using (a.matmul(b)) { }
            if (device.type == DeviceType.CUDA)
                cuda.synchronize();
        }
        Run();
        var times = new double[5];
        for (int i = 0; i < times.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            Run();
            times[i] = watch.Elapsed.TotalSeconds;
        }
        return MlNetDkn.Statistics.Quantile(times, 0.5);
    }

    public static double Gflops(long m, long k, long n, ScalarType dtype, Device device, bool transposed = true) =>
        2.0 * m * k * n / Seconds(m, k, n, dtype, device, transposed) / 1e9;
}
