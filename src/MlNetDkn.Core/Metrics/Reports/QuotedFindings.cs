using System.Text.RegularExpressions;

namespace MlNetDkn.Metrics.Reports;

/// <summary>
/// A run's findings quoted verbatim in a markdown document, between <c>&lt;!-- findings: RUN --&gt;</c> and
/// <c>&lt;!-- /findings --&gt;</c>, where RUN is the run folder relative to the document. Numbers a document quotes
/// are thereby written by the run, never typed: <see cref="Quote"/> refreshes a block from a run's tables and a test
/// compares each block with a fresh run.
/// </summary>
public static partial class QuotedFindings
{
    /// <summary>One quoted block: the run folder it names and the text between its markers.</summary>
    public sealed record Block(string Run, string Text);

    [GeneratedRegex(@"<!-- findings: (?<run>[^ ]+) -->\n(?<text>.*?)<!-- /findings -->", RegexOptions.Singleline)]
    private static partial Regex BlockPattern();

    /// <summary>Every quoted block of a markdown text, in order.</summary>
    public static IReadOnlyList<Block> Blocks(string markdown) =>
        BlockPattern()
            .Matches(markdown.ReplaceLineEndings("\n"))
            .Select(m => new Block(m.Groups["run"].Value, m.Groups["text"].Value))
            .ToList();

    /// <summary>Replaces the block naming <paramref name="run"/> in <paramref name="document"/> with the run's
    /// findings; returns false (and writes nothing) when the document has no such block.</summary>
    public static bool Quote(string document, string run, string runFolder)
    {
        var text = File.ReadAllText(document).ReplaceLineEndings("\n");
        bool found = false;
        var replaced = BlockPattern()
            .Replace(text, m =>
            {
                if (m.Groups["run"].Value != run)
                    return m.Value;
                found = true;
                return $"<!-- findings: {run} -->\n{FindingsSummary.Of(runFolder)}<!-- /findings -->";
            });
        if (!found)
            return false;
        File.WriteAllText(document + ".tmp", replaced);
        File.Move(document + ".tmp", document, overwrite: true);
        return true;
    }
}
