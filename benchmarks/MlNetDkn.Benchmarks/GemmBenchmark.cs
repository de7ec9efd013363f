using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// `gemm`: libtorch's matrix-multiply rate on this machine (GFLOP/s) per dtype and thread count, for a square
/// product and for the shapes the fast path runs (a row batch through an MLP projection and through the LM head).
/// Usage: dkn-bench gemm [--threads 1,2] [--rows 256]
/// </summary>
static class GemmBenchmark
{
    public static int Run(string[] args)
    {
        var threadCounts = (Args.Text(args, "--threads") ?? "1,2").Split(',').Select(int.Parse).ToArray();
        int rows = Args.Int(args, "--rows", 256);
        (string Name, long M, long K, long N)[] shapes =
        [
            ("square 2048", 2048, 2048, 2048),
            ($"rows {rows} × MLP up 768→3072", rows, 768, 3072),
            ($"rows {rows} × MLP down 3072→768", rows, 3072, 768),
            ($"rows {rows} × LM head 768→50257", rows, 768, 50257),
            ($"rows {rows} × 7B MLP up 4096→11008", rows, 4096, 11008),
            ($"rows {rows} × 7B MLP down 11008→4096", rows, 11008, 4096),
        ];
        Console.WriteLine($"| shape | dtype | threads | A·B | A·Bᵀ (a linear layer) |\n|---|---|---:|---:|---:|");
        foreach (var threads in threadCounts)
        {
            set_num_threads(threads);
            foreach (var (name, m, k, n) in shapes)
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16 })
                Console.WriteLine(
                    $"| {name} | {dtype.ToString().ToLowerInvariant()} | {threads} | "
                        + $"{GemmTiming.Gflops(m, k, n, dtype, CPU, transposed: false):0} | "
                        + $"{GemmTiming.Gflops(m, k, n, dtype, CPU):0} |"
                );
        }
        Console.WriteLine(
            $"\ncommand: dotnet run -c Release --project benchmarks/MlNetDkn.Benchmarks -- gemm --threads "
                + $"{string.Join(',', threadCounts)} --rows {rows}"
        );
        return 0;
    }
}
