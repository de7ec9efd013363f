using System.Diagnostics;
using System.Text.Json;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// `dataset`: seconds per prompt of `dkn attribute --data` as a whole process (start, model load, tokenisation,
/// attribution, tables) on a GPT-2-small-shaped random checkpoint with the real GPT-2 tokenizer, for the fast path
/// and for EleutherAI's algorithm (the naive path: one full forward and backward per batch of path points), run the
/// same way and alternated. Usage: dkn-bench dataset [--facts 8] [--threads 2] [--repeats 1] [--extra "--option x=y"]
/// [--fast-only]
/// </summary>
static class DatasetBenchmark
{
    // Twelve GPT-2 tokens each (checked at run time), over two relations, as `dkn attribute --data` reads them.
    static readonly (string Relation, string Prompt, string Answer)[] Facts =
    [
        ("capital", "After a long journey through the mountains, the capital of France is", " Paris"),
        ("capital", "After a long journey through the mountains, the capital of Italy is", " Rome"),
        ("capital", "After a long journey through the mountains, the capital of Spain is", " Madrid"),
        ("capital", "After a long journey through the mountains, the capital of Japan is", " Tokyo"),
        ("language", "Everyone who grew up in the town of Lyon speaks fluent", " French"),
        ("language", "Everyone who grew up in the town of Milan speaks fluent", " Italian"),
        ("language", "Everyone who grew up in the town of Seville speaks fluent", " Spanish"),
        ("language", "Everyone who grew up in the town of Osaka speaks fluent", " Japanese"),
    ];

    public static int Run(string[] args)
    {
        int facts = Args.Int(args, "--facts", 8),
            threads = Args.Int(args, "--threads", 2),
            repeats = Args.Int(args, "--repeats", 1);
        string extra = Args.Text(args, "--extra") ?? "";
        bool fastOnly = Args.Flag(args, "--fast-only"); // per-prompt time at scale, without the side-by-side ratio
        string root = Args.RepositoryRoot();
        string dkn = Args.Text(args, "--dkn")
            ?? Path.Combine(root, "src/MlNetDkn.Cli/bin/Release/net10.0/linux-x64/dkn.dll");
        if (!File.Exists(dkn))
            throw new FileNotFoundException($"{dkn}: build the CLI first (dotnet build -c Release)");
        string work = Path.Combine(Path.GetTempPath(), "dkn-bench-dataset");
        string model = Path.Combine(work, "gpt2-small-random"),
            data = Path.Combine(work, "facts.parquet");
        WriteModel(model, Path.Combine(root, "../shared/models/fake-gpt2"));
        WriteFacts(data, facts);

        string common =
            $"attribute --data {data} --model {model} --preset eleuther --threads {threads} --max-prompts 1 --json "
            + $"{extra}";
        var fast = new List<double>();
        var naive = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            if (!fastOnly)
                naive.Add(Process(dkn, $"{common} --option fast-path=false", Path.Combine(work, $"naive{r}")));
            fast.Add(Process(dkn, common, Path.Combine(work, $"fast{r}")));
        }
        double fastPerPrompt = Statistics.Quantile(fast, 0.5) / facts,
            naivePerPrompt = fastOnly ? double.NaN : Statistics.Quantile(naive, 0.5) / facts;
        var report = new Dictionary<string, object>
        {
            ["what"] =
                "dkn attribute --data, whole process, GPT-2-small shape (12 layers, d 768, d_ff 3072, vocab "
                + "50257), 12-token prompts, eleuther preset (20 steps)",
            ["facts"] = facts,
            ["threads"] = threads,
            ["repeats"] = repeats,
            ["extra"] = extra,
            ["fast_process_s"] = fast.Select(s => Math.Round(s, 2)).ToArray(),
            ["eleuther_algorithm_process_s"] = naive.Select(s => Math.Round(s, 2)).ToArray(),
            ["fast_s_per_prompt"] = Math.Round(fastPerPrompt, 3),
            ["eleuther_algorithm_s_per_prompt"] = fastOnly
                ? "not measured (--fast-only)"
                : Math.Round(naivePerPrompt, 3),
            ["speedup"] = fastOnly ? "not measured (--fast-only)" : Math.Round(naivePerPrompt / fastPerPrompt, 2),
            ["command"] =
                $"dotnet run -c Release --project benchmarks/MlNetDkn.Benchmarks -- dataset --facts {facts} "
                + $"--threads {threads} --repeats {repeats}{(fastOnly ? " --fast-only" : "")}",
        };
        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>The GPT-2-small-shaped random checkpoint (seed 0) with the real GPT-2 tokenizer, written once and
    /// reused.</summary>
    public static void WriteModel(string folder, string tokenizerFolder)
    {
        if (File.Exists(Path.Combine(folder, "model.safetensors")))
            return;
        manual_seed(0);
        var config = new ModelConfig
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
        };
        using var model = ModelLoader.Create(config);
        HuggingFaceExport.Save(model, folder);
        foreach (
            var file in new[]
            {
                "tokenizer.json",
                "vocab.json",
                "merges.txt",
                "tokenizer_config.json",
                "special_tokens_map.json",
            }
        )
            File.Copy(Path.Combine(tokenizerFolder, file), Path.Combine(folder, file), overwrite: true);
    }

    static void WriteFacts(string path, int count)
    {
        var records = Enumerable
            .Range(0, count)
            .Select(i =>
            {
                var (relation, prompt, answer) = Facts[i % Facts.Length];
                return new FactRecord
                {
                    FactId = $"f{i}",
                    RelationId = relation,
                    Subject = prompt.Split(' ')[^2],
                    Answer = answer.Trim(),
                    Prompts = [prompt],
                    Source = "benchmark",
                };
            });
        new FactDataset(records, "benchmark").Write(path);
    }

    /// <summary>Wall seconds of one dkn process writing into a fresh <paramref name="output"/> (no stored
    /// results).</summary>
    static double Process(string dkn, string arguments, string output)
    {
        if (Directory.Exists(output))
            Directory.Delete(output, recursive: true);
        arguments += $" --out {output}";
        var info = new ProcessStartInfo("dotnet", $"{dkn} {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var watch = Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        double seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dkn {arguments} failed ({process.ExitCode}): {stderr.Result}");
        return seconds;
    }
}
