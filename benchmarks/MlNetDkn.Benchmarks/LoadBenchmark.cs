using System.Text.Json;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// `load`: seconds to load the GPT-2-small-shaped checkpoint (652 MB of float32 safetensors) as
/// <see cref="ModelLoader.Load"/> does it (weights allocated without initialisation, read straight into the
/// parameters), against building the model with initialised weights and assigning the same checkpoint, alternated in
/// one run; and the content hash's seconds. Usage: dkn-bench load [--threads 2] [--repeats 5]
/// </summary>
static class LoadBenchmark
{
    public static int Run(string[] args)
    {
        int threads = Args.Int(args, "--threads", 2),
            repeats = Args.Int(args, "--repeats", 5);
        set_num_threads(threads);
        string root = Args.RepositoryRoot();
        string folder = Path.Combine(Path.GetTempPath(), "dkn-bench-dataset", "gpt2-small-random");
        DatasetBenchmark.WriteModel(folder, Path.Combine(root, "../shared/models/fake-gpt2"));
        var files = HuggingFaceFolder.WeightFiles(folder);

        void Load()
        {
            using (ModelLoader.Load(folder)) { }
        }
        void InitialisedBuild()
        {
            var (config, _) = ModelLoader.Describe(folder);
            using var model = ModelLoader.Create(config, ScalarType.Float32);
            WeightAssigner.Assign(model, CheckpointTensors.FromSafetensors(files.Select(SafetensorsFile.Open)), folder);
        }
        Load();
        InitialisedBuild();
        var pairs = new List<(double Load, double Initialised)>();
        for (int i = 0; i < repeats; i++)
            pairs.Add((Timing.Seconds(Load), Timing.Seconds(InitialisedBuild)));
        double hash = Timing.Seconds(() =>
            ContentHashing.Sha256OfFiles([Path.Combine(folder, "config.json"), .. files])
        );
        var report = new Dictionary<string, object>
        {
            ["what"] = "load a GPT-2-small-shaped float32 safetensors checkpoint (652 MB) on the CPU",
            ["load_s"] = Math.Round(Statistics.Quantile(pairs.Select(p => p.Load), 0.5), 3),
            ["initialised_build_and_assign_s"] = Math.Round(
                Statistics.Quantile(pairs.Select(p => p.Initialised), 0.5),
                3
            ),
            ["load_runs_s"] = pairs.Select(p => Math.Round(p.Load, 3)).ToArray(),
            ["initialised_runs_s"] = pairs.Select(p => Math.Round(p.Initialised, 3)).ToArray(),
            ["speedup_load"] = Math.Round(Statistics.Quantile(pairs.Select(p => p.Initialised / p.Load), 0.5), 2),
            ["content_hash_s"] = Math.Round(hash, 3),
            ["command"] =
                $"dotnet run -c Release --project benchmarks/MlNetDkn.Benchmarks -- load --threads {threads} "
                + $"--repeats {repeats}",
        };
        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
