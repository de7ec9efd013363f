using System.Text.Json.Nodes;
using MlNetDkn.Facts;
using MlNetDkn.Metrics;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Support;
using MlNetDkn.Training;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>Runs the tiny pipeline once (training into a private cache) and checks what it wrote.</summary>
public sealed class TinyRun
{
    public string Cache { get; } = SharedPaths.TempDir("pipeline-cache");
    public string Output { get; } = SharedPaths.TempDir("pipeline-run");
    public PipelineContext Context => Result.Context;
    public PipelineRunResult Result { get; }
    public TextPipelineReporter Reporter { get; } = new();

    public TinyRun()
    {
        var path = PipelineFiles.Write(PipelineFiles.Tiny, "tiny");
        Result = PipelineRunner.RunFile(
            path,
            new PipelineRunOptions
            {
                Output = Output,
                CacheFolder = Cache,
                Overrides = ["seed=7"],
            },
            Reporter
        );
    }
}

public class PipelineRunnerTests(TinyRun run) : IClassFixture<TinyRun>
{
    JsonNode Manifest => JsonNode.Parse(File.ReadAllText(Path.Combine(run.Output, RunManifest.FileName)))!;

    [Fact]
    public void WritesDatasetModelTablesPlotAndManifest()
    {
        foreach (
            var file in new[]
            {
                "facts.parquet",
                "model/config.json",
                "model/model.safetensors",
                "model/tokenizer.json",
                "accuracy/accuracy.parquet",
                "accuracy/accuracy.csv",
                "accuracy/accuracy_facts.csv",
                "loss_curve.png",
                "manifest.json",
                "pipeline.zip",
                "results.parquet",
                "results.csv",
            }
        )
            Assert.True(File.Exists(Path.Combine(run.Output, file)), file);
        var dataset = FactDataset.Read(Path.Combine(run.Output, "facts.parquet"));
        Assert.Equal(40, dataset.Count);

        var m = Manifest;
        Assert.Equal("completed", m["status"]!.GetValue<string>());
        Assert.Equal(dataset.ContentHash(), m["dataset"]!["content_sha256"]!.GetValue<string>());
        Assert.Equal(
            FactModelCache.ContentHash(Path.Combine(run.Output, "model")),
            m["model"]!["content_sha256"]!.GetValue<string>()
        );
        Assert.Equal(run.Context.ModelContentHash, m["model"]!["content_sha256"]!.GetValue<string>());
        Assert.Equal(7, m["seed"]!.GetValue<int>());
        Assert.Equal("seed=7", m["pipeline"]!["overrides"]![0]!.GetValue<string>());
        Assert.True(m["machine"]!["cores"]!.GetValue<int>() >= 1);
        Assert.True(m["machine"]!["torch_threads"]!.GetValue<int>() >= 1);
        Assert.False(string.IsNullOrEmpty(m["tool"]!["version"]!.GetValue<string>()));
        var steps = m["steps"]!.AsArray();
        Assert.Equal(
            ["synthetic-world", "train-fact-model", "evaluate-accuracy"],
            steps.Select(s => s!["step"]!.GetValue<string>())
        );
        Assert.All(steps, s => Assert.Equal("completed", s!["status"]!.GetValue<string>()));
        Assert.All(steps, s => Assert.True(s!["seconds"]!.GetValue<double>() >= 0));
        // Peak resident memory so far at each step's end, never decreasing, and the run's at least the last step's.
        var peaks = steps.Select(s => s!["peak_memory_mib"]!.GetValue<double>()).ToArray();
        Assert.All(peaks, p => Assert.True(p > 10, $"peak {p} MiB"));
        Assert.Equal(peaks.Order(), peaks);
        Assert.True(m["peak_memory_mib"]!.GetValue<double>() >= peaks[^1]);
        Assert.Equal(40, steps[1]!["options"]!["epochs"]!.GetValue<int>());
        Assert.Equal("model", steps[1]!["outputs"]!["model"]!.GetValue<string>());
    }

    [Fact]
    public void AccuracyTableMatchesTheManifestThePerFactTableAndTheCsv()
    {
        var (table, metadata) = MetricTable.ReadParquet(Path.Combine(run.Output, "accuracy", "accuracy.parquet"));
        Assert.Equal(["split", "prompt_kind", "facts", "prompts", "correct", "accuracy"], table.ColumnNames);
        Assert.Equal(["prompts", "heldout_prompts"], (string[])table.Column("prompt_kind"));
        Assert.Equal([160L, 80L], (long[])table.Column("prompts"));
        var correct = (long[])table.Column("correct");
        Assert.True(correct[0] >= 0.9 * 160, $"train accuracy {correct[0]}/160");
        Assert.Equal(run.Context.ModelContentHash, metadata["mlnetdkn.model_sha256"]);

        // The per-fact table adds up to the summary.
        var (facts, _) = MetricTable.ReadParquet(Path.Combine(run.Output, "accuracy", "accuracy_facts.parquet"));
        Assert.Equal(correct[0], ((long[])facts.Column("prompts_correct")).Sum());
        Assert.Equal(correct[1], ((long[])facts.Column("heldout_correct")).Sum());

        var groups = Manifest["steps"]![2]!["results"]!["groups"]!.AsArray();
        Assert.Equal(correct, groups.Select(g => (long)g!["correct"]!.GetValue<int>()));
        var csv = File.ReadAllLines(Path.Combine(run.Output, "accuracy", "accuracy.csv"));
        Assert.Equal("split,prompt_kind,facts,prompts,correct,accuracy", csv[0]);
        Assert.StartsWith($"train,prompts,40,160,{correct[0]},", csv[1]);
        Assert.Equal(3, csv.Length);
        Assert.Contains(run.Reporter.Messages, m => m.Contains($"train/prompts: {correct[0]}/160 correct"));
    }

    [Fact]
    public void ASecondRunReusesTheCachedModel()
    {
        var output = SharedPaths.TempDir("pipeline-rerun");
        var path = PipelineFiles.Write(PipelineFiles.Tiny, "tiny");
        var reporter = new TextPipelineReporter();
        var again = PipelineRunner.RunFile(
            path,
            new PipelineRunOptions { Output = output, CacheFolder = run.Cache },
            reporter
        );
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, RunManifest.FileName)))!;
        Assert.True(manifest["model"]!["reused_from_cache"]!.GetValue<bool>());
        Assert.Contains(reporter.Messages, m => m.Contains("reused cached model"));
        Assert.Equal(run.Context.ModelContentHash, again.Context.ModelContentHash);
        Assert.Single(Directory.GetDirectories(run.Cache));
    }

    [Fact]
    public void AnOptionOutOfRangeIsRejectedBeforeAnyWork()
    {
        var json = """
            {"name": "fails", "steps": [
              {"step": "synthetic-world", "options": {"entities": 3, "relations": 1}},
              {"step": "train-fact-model", "options": {"max_positions": 1, "epochs": 1}}]}
            """;
        var output = Path.Combine(SharedPaths.TempDir("pipeline-fails"), "out");
        var e = Assert.Throws<PipelineValidationException>(() =>
            PipelineRunner.RunFile(
                PipelineFiles.Write(json),
                new PipelineRunOptions { Output = output, CacheFolder = run.Cache },
                new TextPipelineReporter()
            )
        );
        Assert.Contains("$.steps[1].options: training option max-positions", e.Message);
        Assert.False(Directory.Exists(output), "nothing is written before the pipeline is valid");
    }

    [Fact]
    public void AFailingStepIsRecordedAndEarlierOutputsStay()
    {
        var folder = SharedPaths.TempDir("pipeline-fails-late");
        // A selection that only the data can refuse: it fails when the step runs.
        var json = """
            {"name": "fails", "steps": [
              {"step": "synthetic-world", "options": {"entities": 3, "relations": 1}},
              {"step": "select-facts", "options": {"relations": "no-such-relation"}}]}
            """;
        var output = Path.Combine(folder, "out");
        var e = Assert.Throws<DknInputException>(() =>
            PipelineRunner.RunFile(
                PipelineFiles.Write(json),
                new PipelineRunOptions { Output = output, CacheFolder = run.Cache },
                new TextPipelineReporter()
            )
        );
        Assert.Contains("no facts left", e.Message);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, RunManifest.FileName)))!;
        Assert.Equal("failed", manifest["status"]!.GetValue<string>());
        Assert.Equal("completed", manifest["steps"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("failed", manifest["steps"]![1]!["status"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(output, "facts.parquet")));

        // A corrupt fact file is refused by validation, before anything is written.
        var corrupt = Path.Combine(folder, "corrupt.parquet");
        File.WriteAllText(corrupt, "not parquet");
        var early = Path.Combine(folder, "early");
        var invalid = Assert.Throws<PipelineValidationException>(() =>
            PipelineRunner.RunFile(
                PipelineFiles.Write(
                    $$$"""
                    {"name": "fails-early", "steps": [ {"step": "load-facts", "options": {"path": "{{{corrupt}}}"}} ]}
                    """
                ),
                new PipelineRunOptions { Output = early },
                new TextPipelineReporter()
            )
        );
        Assert.Contains(corrupt, invalid.Message);
        Assert.False(Directory.Exists(early));
    }

    [Fact]
    public void CliRunValidatesOverridesAndWritesTheRun()
    {
        var path = PipelineFiles.Write(PipelineFiles.Tiny, "tiny");
        var output = SharedPaths.TempDir("cli-run");
        var (code, stdout, stderr) = CliRunner.Run("run", path, "--out", output, "--cache", run.Cache);
        Assert.True(code == 0, stderr);
        Assert.Contains("reused cached model", stdout);
        Assert.Contains("train/prompts:", stdout);
        Assert.True(File.Exists(Path.Combine(output, "accuracy", "accuracy.csv")));

        (code, stdout, _) = CliRunner.Run("run", path, "--validate", "--set", "steps.train-fact-model.epochs=3");
        Assert.Equal(0, code);
        Assert.Contains("\"epochs\":3", stdout);

        (code, _, stderr) = CliRunner.Run("run", path, "--set", "steps.train-fact-model.epochs=three", "--out", output);
        Assert.Equal(2, code);
        Assert.Contains(
            "error: --set steps.train-fact-model.epochs=three: option 'epochs' of step 'train-fact-model': "
                + "expected integer",
            stderr
        );
        Assert.Single(stderr.Trim().Split('\n'));

        var bad = PipelineFiles.Write(
            """{"name": "x", "steps": [{"step": "synthetic-world", "options": {"entities": "many"}}]}"""
        );
        (code, _, stderr) = CliRunner.Run("run", bad);
        Assert.Equal(2, code);
        Assert.Contains($"error: {bad}: $.steps[0].options.entities: expected integer, got \"many\"", stderr);
    }
}
