using System.Diagnostics;
using System.Text.Json.Nodes;
using MlNetDkn.Facts;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>
/// `dkn run` fits an ML.NET pipeline and saves it; `dkn apply` of that pipeline on other facts writes the same
/// per-fact tables as a run over those facts; Ctrl+C stops a run after the current fact and keeps everything.
/// </summary>
public class RunAndApplyTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    static string Pipeline(string facts, string model) =>
        $$$"""
            {
              "name": "apply-check",
              "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{model}}}" } },
                { "step": "evaluate-accuracy" },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 4 } },
                { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors", "methods": "ntc,kmeans" } }
              ]
            }
            """;

    static readonly string[] PerFactTables =
    [
        "accuracy/accuracy_facts.csv",
        "attribution/knowledge_neurons.csv",
        "attribution/attribution_facts.csv",
        "dkn/dkn_facts.csv",
        "dkn/dkn_summary.csv",
        "dkn/degeneracy_curve.csv",
        "results.csv",
    ];

    [Fact]
    public void ApplyingTheSavedPipelineToHeldOutFactsGivesTheTablesOfARunOverThem()
    {
        var folder = SharedPaths.TempDir("run-apply");
        var records = tiny.Dataset.Records;
        var fitOn = Path.Combine(folder, "fit.parquet");
        var heldOut = Path.Combine(folder, "heldout.parquet");
        new FactDataset(records.Where((_, i) => i % 4 != 0)).Write(fitOn);
        new FactDataset(records.Where((_, i) => i % 4 == 0)).Write(heldOut);

        var fitted = PipelineRunner.RunFile(
            PipelineFiles.Write(Pipeline(fitOn, tiny.Folder)),
            new PipelineRunOptions { Output = Path.Combine(folder, "fit") },
            new TextPipelineReporter()
        );
        Assert.True(File.Exists(fitted.PipelinePath));
        // load-model hashes the checkpoint while the stages load it: the finished manifest still holds the hash.
        string[] modelFiles =
        [
            Path.Combine(tiny.Folder, "config.json"),
            .. MlNetDkn.Modeling.Checkpoints.HuggingFaceFolder.WeightFiles(tiny.Folder),
        ];
        var fitManifest = JsonNode.Parse(File.ReadAllText(Path.Combine(fitted.OutputFolder, RunManifest.FileName)))!;
        Assert.Equal(
            ContentHashing.Sha256OfFiles(modelFiles),
            fitManifest["model"]!["content_sha256"]!.GetValue<string>()
        );
        var direct = PipelineRunner.RunFile(
            PipelineFiles.Write(Pipeline(heldOut, tiny.Folder)),
            new PipelineRunOptions { Output = Path.Combine(folder, "direct") },
            new TextPipelineReporter()
        );

        var applied = Path.Combine(folder, "applied");
        var (code, _, stderr) = CliRunner.Run("apply", fitted.PipelinePath!, "--data", heldOut, "--out", applied);
        Assert.True(code == 0, stderr);
        foreach (var table in PerFactTables)
            Assert.Equal(
                File.ReadAllText(Path.Combine(direct.OutputFolder, table)),
                File.ReadAllText(Path.Combine(applied, table))
            );
        Assert.Equal(10, File.ReadAllLines(Path.Combine(applied, "attribution", "attribution_facts.csv")).Length - 1);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(applied, PipelineApplier.ApplyManifest)))!;
        Assert.Equal(
            new FactDataset(records.Where((_, i) => i % 4 == 0)).ContentHash(),
            manifest["facts_sha256"]!.GetValue<string>()
        );
    }

    /// <summary>Relative path → SHA-256 of every file under <paramref name="folder"/>.</summary>
    static SortedDictionary<string, string> Snapshot(string folder) =>
        new(
            Directory
                .GetFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(
                    f => Path.GetRelativePath(folder, f),
                    f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))
                ),
            StringComparer.Ordinal
        );

    static string CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return to;
    }

    [Fact]
    public void ApplyWritesOnlyUnderOutAndAMovedPipelineAppliesWithTheModelGivenOrRefusesAnotherModel()
    {
        var folder = SharedPaths.TempDir("apply-portable");
        var records = tiny.Dataset.Records;
        var fitOn = Path.Combine(folder, "fit.parquet");
        var heldOut = Path.Combine(folder, "heldout.parquet");
        new FactDataset(records.Where((_, i) => i % 4 != 0)).Write(fitOn);
        new FactDataset(records.Where((_, i) => i % 4 == 0)).Write(heldOut);
        var fitted = PipelineRunner.RunFile(
            PipelineFiles.Write(Pipeline(fitOn, tiny.Folder)),
            new PipelineRunOptions { Output = Path.Combine(folder, "fit") },
            new TextPipelineReporter()
        );
        var run = Snapshot(fitted.OutputFolder);
        var model = Snapshot(tiny.Folder);
        Assert.Contains(Path.Combine("attribution", "store", MlNetDkn.Attribution.AttributionStore.FileName), run.Keys);

        // Applied where it was written: the run and the model stay byte for byte; the stores are under --out.
        var applied = Path.Combine(folder, "applied");
        var (code, _, stderr) = CliRunner.Run("apply", fitted.PipelinePath!, "--data", heldOut, "--out", applied);
        Assert.True(code == 0, stderr);
        Assert.Equal(run, Snapshot(fitted.OutputFolder));
        Assert.Equal(model, Snapshot(tiny.Folder));
        var store = File.ReadAllLines(
            Path.Combine(applied, "attribution", "store", MlNetDkn.Attribution.AttributionStore.FileName)
        );
        Assert.Equal(10, store.Select(l => JsonNode.Parse(l)!["FactId"]!.GetValue<string>()).Distinct().Count());

        // Model and pipeline.zip moved to another folder: the model is named on the command line; same tables.
        var elsewhere = SharedPaths.TempDir("apply-moved");
        var movedModel = CopyFolder(tiny.Folder, Path.Combine(elsewhere, "models", "tiny"));
        // One folder deeper than the run: the saved relative path to the model no longer leads to it.
        var movedArchive = Path.Combine(elsewhere, "shared", "pipelines", "pipeline.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(movedArchive)!);
        File.Copy(fitted.PipelinePath!, movedArchive);
        var withoutModel = Path.Combine(elsewhere, "out-without-model");
        (code, _, stderr) = CliRunner.Run("apply", movedArchive, "--data", heldOut, "--out", withoutModel);
        Assert.Equal(2, code);
        Assert.Matches(
            $"^error: {System.Text.RegularExpressions.Regex.Escape(movedArchive)}: no model at .*--model DIR.*\n$",
            stderr
        );
        Assert.False(Directory.Exists(withoutModel));
        var moved = Path.Combine(elsewhere, "out");
        (code, _, stderr) = CliRunner.Run(
            "apply",
            movedArchive,
            "--model",
            movedModel,
            "--data",
            heldOut,
            "--out",
            moved
        );
        Assert.True(code == 0, stderr);
        foreach (var table in PerFactTables)
            Assert.Equal(File.ReadAllText(Path.Combine(applied, table)), File.ReadAllText(Path.Combine(moved, table)));
        Assert.Equal(run, Snapshot(fitted.OutputFolder));

        // Another model (one weight changed): refused with one line naming the archive and both hashes; --out
        // untouched.
        var other = CopyFolder(tiny.Folder, Path.Combine(elsewhere, "models", "other"));
        var weights = MlNetDkn.Modeling.Checkpoints.HuggingFaceFolder.WeightFiles(other)[0];
        var bytes = File.ReadAllBytes(weights);
        bytes[^4] ^= 0x01;
        File.WriteAllBytes(weights, bytes);
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(fitted.OutputFolder, RunManifest.FileName)))![
            "model"
        ]!["content_sha256"]!.GetValue<string>();
        var found = MlNetDkn.Modeling.ModelLoader.ContentHash(other);
        Assert.NotEqual(expected, found);
        var existing = Path.Combine(elsewhere, "existing-out");
        Directory.CreateDirectory(existing);
        File.WriteAllText(Path.Combine(existing, "keep.txt"), "mine");
        (code, _, stderr) = CliRunner.Run(
            "apply",
            movedArchive,
            "--model",
            other,
            "--data",
            heldOut,
            "--out",
            existing
        );
        Assert.Equal(2, code);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith(
            $"error: {movedArchive}: the model at {other} has content hash {found}, but the pipeline was fitted on "
                + $"a model with content hash {expected}",
            stderr
        );
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(existing).Select(Path.GetFileName));
    }

    [Fact]
    public void ADefinitionThatCannotRunIsRejectedBeforeAnyWorkNamingTheStepAndTheMissingInput()
    {
        var json = $$$"""
            { "name": "no-attribution", "steps": [
                { "step": "synthetic-world", "options": { "entities": 3, "relations": 1 } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "find-degenerate-neurons" } ] }
            """;
        var output = Path.Combine(SharedPaths.TempDir("cannot-run"), "out");
        var e = Assert.Throws<PipelineValidationException>(() =>
            PipelineRunner.RunFile(
                PipelineFiles.Write(json),
                new PipelineRunOptions { Output = output },
                new TextPipelineReporter()
            )
        );
        Assert.Contains("$.steps[2]: step 'find-degenerate-neurons' needs a knowledge neurons", e.Message);
        Assert.Contains("attribute-knowledge-neurons", e.Message);
        Assert.False(Directory.Exists(output));

        var misplaced = $$$"""
            { "name": "late-source", "steps": [
                { "step": "synthetic-world", "options": { "entities": 3, "relations": 1 } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "evaluate-accuracy" },
                { "step": "select-facts", "options": { "max_facts": 2 } } ] }
            """;
        e = Assert.Throws<PipelineValidationException>(() =>
            PipelineRunner.RunFile(
                PipelineFiles.Write(misplaced),
                new PipelineRunOptions { Output = output },
                new TextPipelineReporter()
            )
        );
        Assert.Contains(
            "$.steps[3]: source step 'select-facts' comes after the analysis stage 'evaluate-accuracy'",
            e.Message
        );

        var badDevice = PipelineFiles.Write(
            $$$"""{ "name": "d", "device": "tpu", "steps": [ { "step": "synthetic-world" } ] }"""
        );
        e = Assert.Throws<PipelineValidationException>(() =>
            PipelineRunner.RunFile(badDevice, new PipelineRunOptions { Output = output }, new TextPipelineReporter())
        );
        Assert.Contains("unknown device 'tpu'", e.Message);
    }

    [Fact]
    public void CtrlCStopsAfterTheCurrentFactKeepsItAndMarksTheManifestCancelled()
    {
        var folder = SharedPaths.TempDir("ctrl-c");
        var facts = Path.Combine(folder, "facts.parquet");
        tiny.Dataset.Write(facts);
        var json = PipelineFiles.Write(
            $$$"""
            { "name": "slow", "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 64, "options": "fast-path=false" } } ] }
            """
        );
        var output = Path.Combine(folder, "out");
        var dll = Path.Combine(AppContext.BaseDirectory, "dkn.dll");
        var process = Process.Start(
            new ProcessStartInfo("dotnet", [dll, "run", json, "--out", output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        var store = Path.Combine(output, "attribution", "store", MlNetDkn.Attribution.AttributionStore.FileName);
        var clock = Stopwatch.StartNew();
        while (
            !process.HasExited
            && clock.Elapsed < TimeSpan.FromSeconds(90)
            && (!File.Exists(store) || File.ReadAllLines(store).Length < 4)
        )
            Thread.Sleep(20);
        Assert.False(process.HasExited, "the run finished before it could be interrupted");
        Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();
        Assert.True(process.WaitForExit(60_000), "Ctrl+C must stop the run after the current fact");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("cancelled", stderrTask.Result);

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, RunManifest.FileName)))!;
        Assert.Equal("cancelled", manifest["status"]!.GetValue<string>());
        Assert.Equal("cancelled", manifest["steps"]!.AsArray().Last()!["status"]!.GetValue<string>());
        var kept = File.ReadAllLines(store);
        Assert.True(kept.Length >= 4 && kept.Length < 160, $"{kept.Length} prompts stored");
        Assert.All(kept, line => Assert.EndsWith("}", line));
    }
}
