using System.Diagnostics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// `packed-gemm`: how much of the small-row GEMM cost is MKL re-packing the weight on every call. libtorch's x·Wᵀ at
/// the MLP-up shape (768 → 3072) for 12–240 rows, against MKL's own packed-B product (cblas_sgemm_pack once, then
/// cblas_sgemm_compute; both exported by the libtorch CPU build) on the same inputs, cycling through as many weights
/// as a model has so they are not all cache-resident. Also prints the packed size and the largest difference.
/// Usage: dkn-bench packed-gemm [--weights 48] [--threads 2]. Needs libtorch's MKL build (Linux/Windows x64).
/// </summary>
static unsafe class PackedGemmBenchmark
{
    [DllImport("LibTorchSharp")]
    static extern IntPtr THSTensor_data(IntPtr handle);

    [DllImport("libtorch_cpu.so")]
    static extern nuint cblas_sgemm_pack_get_size(int identifier, int m, int n, int k);

    [DllImport("libtorch_cpu.so")]
    static extern void cblas_sgemm_pack(
        int layout,
        int identifier,
        int trans,
        int m,
        int n,
        int k,
        float alpha,
        float* src,
        int ld,
        float* dest
    );

    [DllImport("libtorch_cpu.so")]
    static extern void cblas_sgemm_compute(
        int layout,
        int transa,
        int transb,
        int m,
        int n,
        int k,
        float* a,
        int lda,
        float* b,
        int ldb,
        float beta,
        float* c,
        int ldc
    );

    const int RowMajor = 101,
        NoTrans = 111,
        Trans = 112,
        BMatrix = 162,
        Packed = 151;

    static float* Data(Tensor t) => (float*)THSTensor_data(t.Handle);

    public static int Run(string[] args)
    {
        int count = Args.Int(args, "--weights", 48),
            threads = Args.Int(args, "--threads", 2);
        set_num_threads(threads);
        manual_seed(0);
        const int k = 768,
            n = 3072;
        var weights = Enumerable.Range(0, count).Select(_ => randn(n, k)).ToArray(); // [n, k], a linear layer's weight
        nuint size = cblas_sgemm_pack_get_size(BMatrix, 240, n, k);
        var packed = weights
            .Select(w =>
            {
                var buffer = (float*)NativeMemory.AlignedAlloc(size, 64);
                cblas_sgemm_pack(RowMajor, BMatrix, Trans, 240, n, k, 1f, Data(w), k, buffer);
                return (IntPtr)buffer;
            })
            .ToArray();
        try
        {
            Console.WriteLine(
                $"| rows | libtorch ms (GFLOP/s) | packed ms (GFLOP/s) | ratio | max difference "
                    + $"|\n|---:|---:|---:|---:|---:|"
            );
            foreach (int m in new[] { 12, 20, 60, 120, 240 })
            {
                using var x = randn(m, k);
                using var y = empty(m, n);
                cblas_sgemm_compute(
                    RowMajor,
                    NoTrans,
                    Packed,
                    m,
                    n,
                    k,
                    Data(x),
                    k,
                    (float*)packed[0],
                    k,
                    0f,
                    Data(y),
                    n
                );
                double difference;
                using (var reference = x.matmul(weights[0].t()))
                    difference = (reference - y).abs().max().item<float>();
                double Libtorch() =>
                    PerCall(
                        () =>
                        {
                            foreach (var w in weights)
                                x.matmul(w.t()).Dispose();
                        },
                        count
                    );
                double PackedCompute() =>
                    PerCall(
                        () =>
                        {
                            foreach (var p in packed)
                                cblas_sgemm_compute(
                                    RowMajor,
                                    NoTrans,
                                    Packed,
                                    m,
                                    n,
                                    k,
                                    Data(x),
                                    k,
                                    (float*)p,
                                    k,
                                    0f,
                                    Data(y),
                                    n
                                );
                        },
                        count
                    );
                Libtorch();
                PackedCompute();
                double a = Math.Min(Libtorch(), Libtorch()),
                    b = Math.Min(PackedCompute(), PackedCompute()),
                    flop = 2.0 * m * k * n;
                Console.WriteLine(
                    $"| {m} | {a * 1e3:0.000} ({flop / a / 1e9:0}) | {b * 1e3:0.000} ({flop / b / 1e9:0}) | "
                        + $"{a / b:0.00} | {difference:g} |"
                );
            }
            Console.WriteLine(
                $"\npacked size per weight: {size / 1e6:0.0} MB for {4.0 * n * k / 1e6:0.0} MB of weights; {count} "
                    + $"weights cycled"
            );
            Console.WriteLine(
                $"command: dotnet run -c Release --project benchmarks/MlNetDkn.Benchmarks -- packed-gemm --weights "
                    + $"{count} --threads {threads}"
            );
        }
        finally
        {
            foreach (var p in packed)
                NativeMemory.AlignedFree((void*)p);
            foreach (var w in weights)
                w.Dispose();
        }
        return 0;
    }

    static double PerCall(Action callEveryWeight, int weights)
    {
        var watch = Stopwatch.StartNew();
        for (int r = 0; r < 10; r++)
            callEveryWeight();
        return watch.Elapsed.TotalSeconds / (10 * weights);
    }
}
