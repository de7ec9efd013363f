using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Cli;

public class AgreementCommandTests
{
    [Fact]
    public void WritesTheAgreementTablesAndTheMarkdownForAVariant()
    {
        var folder = SharedPaths.TempDir("agreement-cli");
        var data = Path.Combine(folder, "facts.parquet");
        StoryFacts.Dataset().Write(data);
        var output = Path.Combine(folder, "out");
        var (code, stdout, err) = CliRunner.Run(
            "agreement",
            "--model",
            StoryFacts.ModelPath,
            "--data",
            data,
            "--out",
            output,
            "--variants",
            "ig-20,grad-x-act",
            "--max-prompts",
            "1"
        );
        Assert.True(code == 0, err);
        var rows = File.ReadAllLines(Path.Combine(output, "agreement.csv"));
        Assert.Equal(3, rows.Length); // header + one row per variant
        Assert.StartsWith("variant,", rows[0]);
        Assert.Contains("same sets", rows[1]); // the reference against itself
        Assert.Equal(1 + 2 * 4, File.ReadAllLines(Path.Combine(output, "agreement_facts.csv")).Length);
        Assert.Contains("| grad-x-act |", File.ReadAllText(Path.Combine(output, "agreement.md")));
        Assert.Contains("| grad-x-act |", stdout);
    }

    [Theory]
    [InlineData("--variants", "ig-5@int8", "unknown dtype 'int8'")]
    [InlineData("--variants", "frobnicate", "unknown attribution preset 'frobnicate'")]
    [InlineData("--dkn-check", "loose", "--dkn-check must be strict or lenient")]
    public void BadOptionsExitTwoWithOneLine(string option, string value, string expected)
    {
        var (code, _, err) = CliRunner.Run(
            "agreement",
            "--model",
            StoryFacts.ModelPath,
            "--data",
            "missing.parquet",
            "--out",
            SharedPaths.TempDir("agreement-bad"),
            option,
            value
        );
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }
}
