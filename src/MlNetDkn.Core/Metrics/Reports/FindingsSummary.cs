using System.Globalization;
using System.Text;

namespace MlNetDkn.Metrics.Reports;

/// <summary>
/// The opening of a run's report: one line per finding, read from the tables and experiment reports the run wrote
/// (DKN acquisition per stage and method with a Wilson interval over facts, each experiment's findings, the planted
/// scores), so the report says what was found before it shows how.
/// </summary>
public static class FindingsSummary
{
    public static string Of(string runFolder, IReadOnlyList<string> stepFolders)
    {
        var md = new StringBuilder();
        foreach (var folder in stepFolders)
        {
            var path = Path.Combine(runFolder, folder);
            if (File.Exists(Path.Combine(path, "dkn_summary.csv"))) Dkn(md, folder, Path.Combine(path, "dkn_summary.csv"));
            foreach (var report in Directory.Exists(path) ? Directory.GetFiles(path, "*_report.md").Order(StringComparer.Ordinal).ToArray() : [])
                Experiment(md, folder, File.ReadAllLines(report));
        }
        var planted = Path.Combine(runFolder, "planted", "planted_scores.csv");
        if (File.Exists(planted)) Planted(md, planted);
        return md.Length == 0 ? "" : "**Summary of findings**\n\n" + md + "\n";
    }

    static void Dkn(StringBuilder md, string folder, string csv)
    {
        foreach (var row in Rows(csv))
        {
            int facts = Int(row["facts"]), found = Int(row["facts_with_dkn"]);
            var (low, high) = Proportion.Wilson(found, facts);
            md.Append($"- {folder}/: {row["method"]} finds a DKN for {found} of {facts} facts ({Findings.F(100.0 * found / Math.Max(1, facts), "0.#")} %" +
                      $"{Findings.Ci(100 * low, 100 * high, "0.#")}, Wilson over facts)");
            md.AppendLine(found == 0 ? "; no degeneracy curve is drawn." : ".");
        }
    }

    /// <summary>The bullets (or the sentence) after an experiment report's "**Finding…**" line.</summary>
    static void Experiment(StringBuilder md, string folder, string[] lines)
    {
        int start = Array.FindIndex(lines, l => l.StartsWith("**Finding", StringComparison.Ordinal));
        if (start < 0) return;
        var bullets = lines.Skip(start + 1).SkipWhile(string.IsNullOrWhiteSpace).TakeWhile(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        if (bullets.Count == 0)
        {
            var sentence = lines[start];
            int close = sentence.IndexOf("):", StringComparison.Ordinal);
            md.AppendLine($"- {folder}/: {(close > 0 ? sentence[(close + 2)..].Trim() : sentence)}");
            return;
        }
        foreach (var b in bullets) md.AppendLine($"- {folder}/: {b[2..]}");
    }

    static void Planted(StringBuilder md, string csv)
    {
        foreach (var row in Rows(csv))
            md.AppendLine($"- planted/: {row["method"]} detects {row["true_positives"]} of {row["degenerate_facts"]} degenerate facts with " +
                          $"{row["false_positives"]} false of {row["other_facts"]} others.");
    }

    static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    static List<Dictionary<string, string>> Rows(string csv)
    {
        var table = Csv.Read(csv);
        return table.Skip(1).Where(r => r.Length == table[0].Length).Select(r => table[0].Zip(r).ToDictionary(x => x.First, x => x.Second)).ToList();
    }
}
