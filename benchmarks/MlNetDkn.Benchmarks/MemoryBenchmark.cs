using System.Diagnostics;
using System.Text.Json;
using MlNetDkn.Attribution;
using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// `memory`: builds a model of a named shape directly in a dtype (random weights: nothing is downloaded), attributes
/// one prompt with the default preset under a memory budget, and reports the seconds of each phase and the process's
/// peak resident memory (VmHWM). Usage: dkn-bench memory [--shape llama-7b|gpt2-small] [--dtype bfloat16]
/// [--layers N] [--steps 20] [--prompt 12] [--budget-mib 2048] [--threads 2]
/// </summary>
static class MemoryBenchmark
{
    public static int Run(string[] args)
    {
        string shape = Args.Text(args, "--shape") ?? "llama-7b",
            dtypeName = Args.Text(args, "--dtype") ?? "bfloat16";
        int steps = Args.Int(args, "--steps", 20),
            promptLength = Args.Int(args, "--prompt", 12),
            budget = Args.Int(args, "--budget-mib", 2048);
        int threads = Args.Int(args, "--threads", 2);
        set_num_threads(threads);
        manual_seed(0);
        var config = Shape(shape);
        if (Args.Int(args, "--layers", 0) is > 0 and var layers)
            config = config with { NumLayers = layers };
        var dtype = new ModelLoadOptions { DType = dtypeName }.ScalarType;
        ModelLoader.CheckMemory(config, shape, dtype);

        var watch = Stopwatch.StartNew();
        using var model = ModelLoader.Create(config, dtype);
        model.eval();
        foreach (var p in model.parameters())
            p.requires_grad = false;
        double buildSeconds = watch.Elapsed.TotalSeconds;
        double afterBuild = PeakMib();

        var prompt = Enumerable.Range(0, promptLength).Select(i => (long)(1000 + 37 * i)).ToArray();
        var options = AttributionOptions.Default with { Steps = steps, MemoryBudgetMib = budget };
        watch.Restart();
        var result = IntegratedGradients.Attribute(model, new AttributionRequest(prompt, [464L]), options);
        double attributionSeconds = watch.Elapsed.TotalSeconds;
        var report = new Dictionary<string, object>
        {
            ["shape"] = shape,
            ["dtype"] = dtypeName,
            ["parameters"] = config.ParameterCount(),
            ["layers"] = config.NumLayers,
            ["d_model"] = config.HiddenSize,
            ["d_ff"] = config.IntermediateSize,
            ["vocab"] = config.VocabSize,
            ["prompt_tokens"] = promptLength,
            ["steps"] = steps,
            ["memory_budget_mib"] = budget,
            ["threads"] = threads,
            ["build_s"] = Math.Round(buildSeconds, 1),
            ["peak_mib_after_build"] = afterBuild,
            ["attribution_s"] = Math.Round(attributionSeconds, 1),
            ["peak_mib"] = PeakMib(),
            ["finite_scores"] = result.Scores.All(r => r.All(double.IsFinite)),
            ["command"] =
                $"dotnet run -c Release --project benchmarks/MlNetDkn.Benchmarks -- memory --shape {shape} "
                + $"--layers {config.NumLayers} --dtype {dtypeName} --steps {steps} --budget-mib {budget} "
                + $"--threads {threads}",
        };
        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    static double PeakMib()
    {
        using var process = Process.GetCurrentProcess();
        return Math.Round(process.PeakWorkingSet64 / (1024.0 * 1024.0), 0);
    }

    static ModelConfig Shape(string name) =>
        name switch
        {
            "llama-7b" => new ModelConfig
            {
                Family = ModelFamily.Llama,
                VocabSize = 32000,
                HiddenSize = 4096,
                IntermediateSize = 11008,
                NumLayers = 32,
                NumHeads = 32,
                NumKvHeads = 32,
                HeadDim = 128,
                MaxPositions = 4096,
                EosTokenId = 2,
                NormEps = 1e-5,
                RopeTheta = 10000,
                Activation = "silu",
            },
            "gpt2-small" => new ModelConfig
            {
                Family = ModelFamily.Gpt2,
                VocabSize = 50257,
                HiddenSize = 768,
                IntermediateSize = 3072,
                NumLayers = 12,
                NumHeads = 12,
                NumKvHeads = 12,
                HeadDim = 64,
                MaxPositions = 1024,
                EosTokenId = 50256,
            },
            _ => throw new ArgumentException($"unknown shape '{name}' (llama-7b, gpt2-small)"),
        };
}
