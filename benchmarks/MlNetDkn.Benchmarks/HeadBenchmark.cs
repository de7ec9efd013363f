using System.Text.Json;
using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Internal;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// `head`: the fast path's LM-head objective and gradient for one row batch (GPT-2-small vocabulary), computed as one
/// [n, V] product with a log-softmax and a probability tensor, and as <see cref="HeadGradient"/> computes it
/// (vocabulary slices exponentiated in place), alternated in one run. Usage: dkn-bench head [--rows 240] [--threads 2]
/// [--repeats 9]
/// </summary>
static class HeadBenchmark
{
    public static int Run(string[] args)
    {
        int rows = Args.Int(args, "--rows", 240),
            threads = Args.Int(args, "--threads", 2),
            repeats = Args.Int(args, "--repeats", 9);
        set_num_threads(threads);
        manual_seed(0);
        const long d = 768,
            vocab = 50257,
            target = 464;
        using var hidden = randn(rows, d);
        using var weight = randn(vocab, d) * 0.05;

        void OneProduct()
        {
            using var scope = NewDisposeScope();
            var logProbabilities = hidden.matmul(weight.t()).log_softmax(-1); // [n, V]
            var gradient = weight[target].unsqueeze(0) - logProbabilities.exp().matmul(weight); // [n, d]
            _ = logProbabilities[TensorIndex.Colon, TensorIndex.Single(target)].sum().item<float>();
        }
        void Sliced()
        {
            using var scope = NewDisposeScope();
            var (objective, gradient) = HeadGradient.Of(hidden, weight, target, AttributionObjective.LogProbability);
            _ = objective.sum().item<float>();
        }
        OneProduct();
        Sliced();
        var pairs = new List<(double One, double Sliced)>();
        for (int i = 0; i < repeats; i++)
            pairs.Add((Timing.Seconds(OneProduct), Timing.Seconds(Sliced)));
        double one = Statistics.Quantile(pairs.Select(p => p.One), 0.5),
            sliced = Statistics.Quantile(pairs.Select(p => p.Sliced), 0.5);
        double gflop = 2.0 * 2 * rows * d * vocab / 1e9;
        var report = new Dictionary<string, object>
        {
            ["what"] =
                $"LM head objective and gradient, {rows} rows, d {d}, vocabulary {vocab}, float32, {threads} threads",
            ["gemm_gflop"] = Math.Round(gflop, 1),
            ["one_product_s"] = Math.Round(one, 4),
            ["sliced_s"] = Math.Round(sliced, 4),
            ["speedup_sliced"] = Math.Round(Statistics.Quantile(pairs.Select(p => p.One / p.Sliced), 0.5), 2),
            ["sliced_gflops"] = Math.Round(gflop / sliced, 0),
            ["command"] =
                $"dotnet run -c Release --project benchmarks/MlNetDkn.Benchmarks -- head --rows {rows} --threads "
                + $"{threads} --repeats {repeats}",
        };
        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
