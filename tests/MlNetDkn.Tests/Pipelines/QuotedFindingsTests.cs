using MlNetDkn.Metrics.Reports;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>Every number the README quotes about a shipped pipeline is the text a fresh run of it writes.</summary>
public class QuotedFindingsTests
{
    static string Readme => File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, "README.md"));

    [Fact]
    public void TheReadmeQuotesTheQuickstartAndThePlantedShapesRuns()
    {
        var runs = QuotedFindings.Blocks(Readme).Select(b => b.Run).ToList();
        Assert.Equal(["runs/quickstart", "runs/planted-shapes"], runs);
    }

    [Theory]
    [InlineData("runs/quickstart", "quickstart.json")]
    [InlineData("runs/planted-shapes", "planted-shapes.json")]
    public void AQuotedBlockEqualsTheFindingsOfAFreshRun(string run, string pipeline)
    {
        var quoted = QuotedFindings.Blocks(Readme).Single(b => b.Run == run).Text;
        Assert.Contains("Summary of findings", quoted);
        var output = SharedPaths.TempDir("quoted-" + Path.GetFileName(run));
        var (code, _, err) = CliRunner.Run(
            "run",
            Path.Combine(SharedPaths.RepoRoot, "pipelines", pipeline),
            "--out",
            output,
            "--cache",
            Path.Combine(SharedPaths.RepoRoot, ".cache", "models"),
            "--threads",
            "2"
        );
        Assert.True(code == 0, err);
        var written = File.ReadAllText(Path.Combine(output, FindingsSummary.FileName));
        Assert.Equal(quoted, written);
    }

    [Fact]
    public void QuotingReplacesOnlyTheNamedBlockAndRefusesADocumentWithout()
    {
        var folder = SharedPaths.TempDir("quote-doc");
        var run = Path.Combine(folder, "runs", "a");
        Directory.CreateDirectory(Path.Combine(run, "acc"));
        File.WriteAllText(Path.Combine(run, "manifest.json"), """{"steps": [{"options": {"folder": "acc"}}]}""");
        File.WriteAllText(
            Path.Combine(run, "acc", "accuracy.csv"),
            "split,prompt_kind,facts,prompts,correct,accuracy\ntrain,prompts,3,6,3,0.5\n"
        );
        var doc = Path.Combine(folder, "doc.md");
        File.WriteAllText(
            doc,
            "intro\n<!-- findings: runs/a -->\nold 7 of 9\n<!-- /findings -->\nmiddle\n<!-- findings: runs/b "
                + "-->\nkept\n<!-- /findings -->\n"
        );

        Assert.True(QuotedFindings.Quote(doc, "runs/a", run));
        var blocks = QuotedFindings.Blocks(File.ReadAllText(doc));
        Assert.Equal("kept\n", blocks.Single(b => b.Run == "runs/b").Text);
        Assert.Contains(
            "3 of 6 prompts of 3 facts answered top-1 (50.0 %)",
            blocks.Single(b => b.Run == "runs/a").Text
        );
        Assert.DoesNotContain("old 7 of 9", File.ReadAllText(doc));

        var before = File.ReadAllText(doc);
        Assert.False(QuotedFindings.Quote(doc, "runs/c", run));
        Assert.Equal(before, File.ReadAllText(doc));
    }
}
