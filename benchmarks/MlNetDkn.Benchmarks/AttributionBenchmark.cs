using System.Diagnostics;
using System.Text.Json;
using MlNetDkn.Attribution;
using MlNetDkn.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// Seconds per prompt of the naive (peers') and fast integrated-gradients paths on a GPT-2-small-shaped random model,
/// side by side in one run, plus the FLOP-count floor of the fast path at the matrix-multiply rate measured in the same
/// run. Usage: dkn-bench [--device cpu|cuda] [--dtype float32] [--threads 2] [--repeats 3] [--layers 12] [--steps 20]
/// [--json out.json] [--loop N]: afterwards, N more fast-path prompts for a profiler to attach to (`perf record -g -p
/// PID`).
/// </summary>
static class AttributionBenchmark
{
    public static int Run(string[] args)
    {
        int threads = Arg(args, "--threads", 2),
            repeats = Arg(args, "--repeats", 3),
            layers = Arg(args, "--layers", 12);
        int steps = Arg(args, "--steps", 20),
            promptLength = Arg(args, "--prompt", 12);
        string? jsonPath = args.SkipWhile(a => a != "--json").Skip(1).FirstOrDefault();
        var device = new Device(Args.Text(args, "--device") ?? "cpu");
        string dtypeName = Args.Text(args, "--dtype") ?? "float32";
        var dtype = new ModelLoadOptions { DType = dtypeName }.ScalarType;
        set_num_threads(threads);
        manual_seed(0);

        var config = new ModelConfig
        {
            Family = ModelFamily.Gpt2,
            VocabSize = 50257,
            HiddenSize = 768,
            IntermediateSize = 3072,
            NumLayers = layers,
            NumHeads = 12,
            NumKvHeads = 12,
            HeadDim = 64,
            MaxPositions = 1024,
            EosTokenId = 50256,
        };
        using var model = ModelLoader.Create(config, dtype);
        model.to(device);
        model.eval();
        foreach (var p in model.parameters())
            p.requires_grad = false;
        var prompt = Enumerable.Range(0, promptLength).Select(i => (long)(1000 + 37 * i)).ToArray();
        var request = new AttributionRequest(prompt, [464L]);
        var options = AttributionOptions.Eleuther with { Steps = steps, BatchSize = 20 };

        // Naive and fast runs alternate, so drifting machine load hits both alike; each pair gives one ratio.
        Action naiveRun = () => IntegratedGradients.Attribute(model, request, options with { FastPath = false });
        Action fastRun = () =>
            IntegratedGradients.Attribute(model, request, options with { FastPath = true, BatchSize = 256 });
        naiveRun();
        fastRun();
        var pairs = new List<(double Naive, double Fast, double Matmul)>();
        for (int i = 0; i < repeats; i++)
            pairs.Add(
                (
                    Time(naiveRun, 1, warmUp: false),
                    Time(fastRun, 1, warmUp: false),
                    GemmTiming.Gflops(2048, 2048, 2048, ScalarType.Float32, device, transposed: false)
                )
            );
        double naive = Statistics.Quantile(pairs.Select(p => p.Naive), 0.5),
            fast = Statistics.Quantile(pairs.Select(p => p.Fast), 0.5);
        double matmulGflops = Statistics.Quantile(pairs.Select(p => p.Matmul), 0.5);
        double ratio = Statistics.Quantile(pairs.Select(p => p.Naive / p.Fast), 0.5);
        double flops = FastPathFlops(config, promptLength, steps);
        double floor = flops / (matmulGflops * 1e9);
        // The eleuther preset's linspace grid starts at α = 0, so each layer has `steps` rows and no extra baseline
        // row.
        var (gemmSeconds, gemmGflop) = FastPathGemms.Time(config, promptLength, steps, dtype, device);

        var report = new Dictionary<string, object>
        {
            ["device"] = device.ToString(),
            ["threads"] = threads,
            ["layers"] = layers,
            ["d_model"] = 768,
            ["d_ff"] = 3072,
            ["vocab"] = 50257,
            ["prompt_tokens"] = promptLength,
            ["steps"] = steps,
            ["dtype"] = dtypeName,
            ["matmul_gflops_2048"] = Math.Round(matmulGflops, 1),
            ["naive_s_per_prompt"] = Math.Round(naive, 3),
            ["fast_s_per_prompt"] = Math.Round(fast, 3),
            ["speedup_fast_over_naive"] = Math.Round(ratio, 2),
            ["speedup_per_pair"] = pairs.Select(p => Math.Round(p.Naive / p.Fast, 2)).ToArray(),
            ["fast_path_gflop"] = Math.Round(flops / 1e9, 1),
            ["fast_floor_s"] = Math.Round(floor, 3),
            ["fast_over_floor"] = Math.Round(fast / floor, 2),
            ["fast_path_gemms_alone_s"] = Math.Round(gemmSeconds, 3),
            ["fast_path_gemms_gflop"] = Math.Round(gemmGflop, 1),
            ["fast_over_gemms_alone"] = Math.Round(fast / gemmSeconds, 2),
        };
        var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (jsonPath != null)
            File.WriteAllText(jsonPath, json);
        if (Arg(args, "--loop", 0) is > 0 and var loop)
        {
            Console.WriteLine($"profiling loop: pid {Environment.ProcessId}, {loop} fast-path prompts");
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < loop; i++)
                fastRun();
            Console.WriteLine($"profiling loop: {watch.Elapsed.TotalSeconds / loop:0.000} s per prompt");
        }
        return 0;
    }

    /// <summary>Median wall time of <paramref name="repeats"/> runs, after one warm-up unless told otherwise.</summary>
    static double Time(Action action, int repeats, bool warmUp = true)
    {
        if (warmUp)
            action();
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// Matrix-multiply FLOPs of the fast path: per row of layer l, the down projection of layer l, blocks l+1..L−1 on
    /// one token (QKV, output projection, MLP; attention over the prompt), and the LM head; backward to the input
    /// costs the same again (parameters need no gradient). Baseline and clean passes are one prompt forward.
    /// </summary>
    static double FastPathFlops(ModelConfig c, int promptLength, int steps)
    {
        double d = c.HiddenSize,
            f = c.IntermediateSize,
            v = c.VocabSize;
        double block = 2 * (4 * d * d + 2 * d * f) + 2 * 2 * promptLength * d;
        double head = 2 * d * v;
        double rows = 0;
        for (int l = 0; l < c.NumLayers; l++)
            rows += steps * (2 * d * f + (c.NumLayers - 1 - l) * block + head);
        double promptForward = promptLength * (c.NumLayers * block + head);
        return 2 * rows + 2 * promptForward;
    }

    static int Arg(string[] args, string name, int fallback) => Args.Int(args, name, fallback);
}
