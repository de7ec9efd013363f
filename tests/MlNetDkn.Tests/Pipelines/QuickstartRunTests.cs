using System.Text.Json.Nodes;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>The README's main command, end to end on a few facts: every step of pipelines/quickstart.json completes
/// (both attributions and both DKN steps, the authors' preset on the word-level fact model included).</summary>
public class QuickstartRunTests
{
    [Fact]
    public void TheQuickstartPipelineRunsEveryStepOnAFewFacts()
    {
        var output = SharedPaths.TempDir("quickstart-run");
        var pipeline = Path.Combine(SharedPaths.RepoRoot, "pipelines", "quickstart.json");
        var (code, _, err) = CliRunner.Run(
            "run",
            pipeline,
            "--out",
            output,
            "--cache",
            Path.Combine(SharedPaths.RepoRoot, ".cache", "models"),
            "--set",
            "steps.select-facts.max_facts=8",
            "--threads",
            "2"
        );
        Assert.True(code == 0, err);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")))!;
        Assert.Equal("completed", manifest["status"]!.GetValue<string>());
        var steps = manifest["steps"]!.AsArray();
        Assert.Equal(9, steps.Count);
        Assert.All(steps, s => Assert.Equal("completed", s!["status"]!.GetValue<string>()));
        foreach (
            var file in new[]
            {
                "pipeline.zip",
                "results.csv",
                "acquisition_table.csv",
                "attribution/knowledge_neurons.csv",
                "dkn/dkn_facts.csv",
                "dkn-graph/dkn_facts.csv",
                "attribution-authors/knowledge_neurons.csv",
                "dkn-authors/dkn_facts.csv",
            }
        )
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        // header + 8 facts
        Assert.Equal(9, File.ReadAllLines(Path.Combine(output, "attribution-authors", "attribution_facts.csv")).Length);
    }
}
