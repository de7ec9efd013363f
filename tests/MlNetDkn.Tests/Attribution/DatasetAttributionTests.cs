using System.Diagnostics;
using MlNetDkn.Attribution;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Attribution;

public class DatasetAttributionTests
{
    static readonly FactAttributionOptions Options = new()
    {
        Attribution = AttributionOptions.Default with { Steps = 8 },
    };

    static List<FactKnowledgeNeurons> RunAll(string storeFolder, out int computed, out int reused)
    {
        using var model = ModelLoader.Load(StoryFacts.ModelPath);
        var tokenizer = TokenizerLoader.FromModelFolder(StoryFacts.ModelPath);
        using var store = new AttributionStore(storeFolder);
        var runner = new FactAttributionRunner(model, tokenizer, Options, store);
        var results = runner.RunAll(StoryFacts.Dataset().Records).ToList();
        (computed, reused) = (runner.PromptsComputed, runner.PromptsReused);
        return results;
    }

    static string Fingerprint(IEnumerable<FactKnowledgeNeurons> facts) =>
        string.Join(
            "|",
            facts.Select(f => f.FactId + ":" + string.Join(",", f.Neurons.Select(n => $"{n.Neuron}={n.Score:R}")))
        );

    [Fact]
    public void RerunReusesEveryPromptAndTornLinesAreRecomputed()
    {
        var folder = SharedPaths.TempDir("store");
        var first = RunAll(folder, out var computed, out var reused);
        Assert.Equal(8, computed);
        Assert.Equal(0, reused);

        var again = RunAll(folder, out computed, out reused);
        Assert.Equal(0, computed);
        Assert.Equal(8, reused);
        Assert.Equal(Fingerprint(first), Fingerprint(again));

        // A kill during a write leaves a torn last line: it is dropped and only that prompt is recomputed.
        var path = Path.Combine(folder, AttributionStore.FileName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 40)]);
        var resumed = RunAll(folder, out computed, out reused);
        Assert.Equal(1, computed);
        Assert.Equal(7, reused);
        Assert.Equal(Fingerprint(first), Fingerprint(resumed));
        Assert.Equal(8, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void KillNineDuringACliRunThenRerunGivesIdenticalTables()
    {
        var data = Path.Combine(SharedPaths.TempDir("facts"), "facts.parquet");
        StoryFacts.Dataset().Write(data);
        string[] Args(string outDir) =>
            ["attribute", "--model", StoryFacts.ModelPath, "--data", data, "--out", outDir, "-o", "steps=8"];

        var clean = SharedPaths.TempDir("clean");
        var first = CliRunner.Run(Args(clean));
        Assert.True(first.ExitCode == 0, first.Err);

        var killed = SharedPaths.TempDir("killed");
        var dll = Path.Combine(AppContext.BaseDirectory, "dkn.dll");
        var process = Process.Start(
            new ProcessStartInfo("dotnet", [dll, .. Args(killed)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;
        var store = Path.Combine(killed, "store", AttributionStore.FileName);
        var watch = Stopwatch.StartNew();
        while (
            !process.HasExited
            && watch.Elapsed < TimeSpan.FromSeconds(60)
            && (!File.Exists(store) || File.ReadAllLines(store).Length < 2)
        )
            Thread.Sleep(20);
        if (!process.HasExited)
            process.Kill(entireProcessTree: true); // SIGKILL
        process.WaitForExit();
        int finishedBeforeKill = File.ReadAllLines(store).Count(l => l.EndsWith('}'));
        Assert.InRange(finishedBeforeKill, 1, 8);

        var (code, stdout, _) = CliRunner.Run([.. Args(killed), "--json"]);
        Assert.Equal(0, code);
        var summary = System.Text.Json.Nodes.JsonNode.Parse(stdout)!;
        Assert.True(summary["prompts_reused"]!.GetValue<int>() >= finishedBeforeKill);
        Assert.Equal(8, summary["prompts_reused"]!.GetValue<int>() + summary["prompts_computed"]!.GetValue<int>());
        foreach (var table in new[] { "knowledge_neurons.csv", "attribution_facts.csv", "attribution_summary.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(clean, table)), File.ReadAllText(Path.Combine(killed, table)));
    }
}
