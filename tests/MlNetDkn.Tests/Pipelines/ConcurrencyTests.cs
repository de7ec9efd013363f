using System.Diagnostics;
using MlNetDkn.Attribution;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>Two real processes writing one folder: the second says the folder is busy and stops; the first loses
/// nothing. A run killed mid-way is reported as interrupted by the next run, which reuses its work.</summary>
public class ConcurrencyTests
{
    [Fact]
    public void ASecondProcessIntoABusyFolderStopsAndTheFirstLosesNoLine()
    {
        var data = Path.Combine(SharedPaths.TempDir("busy-facts"), "facts.parquet");
        StoryFacts.Dataset().Write(data);
        var folder = SharedPaths.TempDir("busy");
        string[] args =
        [
            "attribute",
            "--model",
            StoryFacts.ModelPath,
            "--data",
            data,
            "--out",
            folder,
            "-o",
            "steps=8",
        ];
        var dll = Path.Combine(AppContext.BaseDirectory, "dkn.dll");
        var first = Process.Start(
            new ProcessStartInfo("dotnet", [dll, .. args])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;
        var firstOut = first.StandardOutput.ReadToEndAsync();
        var firstErr = first.StandardError.ReadToEndAsync();
        var store = Path.Combine(folder, "store", AttributionStore.FileName);
        var watch = Stopwatch.StartNew();
        while (!first.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60) && !File.Exists(store))
            Thread.Sleep(20);
        Assert.False(first.HasExited, "the first run finished before the second could start; the test checks nothing");

        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("another dkn run is writing to this folder", err);
        Assert.DoesNotContain("   at ", err); // one line, no stack trace

        first.WaitForExit();
        Assert.True(first.ExitCode == 0, firstErr.Result);
        var lines = File.ReadAllLines(store);
        Assert.Equal(8, lines.Length); // every prompt, none torn or lost
        Assert.All(lines, l => Assert.EndsWith("}", l));
        _ = firstOut.Result;
    }

    [Fact]
    public void TheNextRunSaysTheKilledOneWasInterrupted()
    {
        var data = Path.Combine(SharedPaths.TempDir("interrupted-facts"), "facts.parquet");
        StoryFacts.Dataset().Write(data);
        var folder = SharedPaths.TempDir("interrupted");
        string[] args =
        [
            "attribute",
            "--model",
            StoryFacts.ModelPath,
            "--data",
            data,
            "--out",
            folder,
            "-o",
            "steps=8",
        ];
        var dll = Path.Combine(AppContext.BaseDirectory, "dkn.dll");
        var process = Process.Start(
            new ProcessStartInfo("dotnet", [dll, .. args])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;
        var store = Path.Combine(folder, "store", AttributionStore.FileName);
        var watch = Stopwatch.StartNew();
        while (
            !process.HasExited
            && watch.Elapsed < TimeSpan.FromSeconds(60)
            && (!File.Exists(store) || File.ReadAllLines(store).Length < 1)
        )
            Thread.Sleep(20);
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
        var (code, stdout, stderr) = CliRunner.Run(args);
        Assert.True(code == 0, stderr);
        Assert.Contains("was interrupted", stdout + stderr);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!;
        Assert.Equal("interrupted", manifest["previous_run"]!["status"]!.GetValue<string>());
        Assert.Equal("completed", manifest["status"]!.GetValue<string>());
    }
}
