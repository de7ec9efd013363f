using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MlNetDkn.Metrics.Reports;

/// <summary>
/// What a run found, one line per finding, read from the tables it wrote: an example fact, accuracy, knowledge
/// neurons per fact, DKN acquisition per stage and method (Wilson interval over facts, per relation, why the others
/// were rejected, why knockout stopped), each experiment's findings and the planted scores. It holds no timings, so
/// the same tables always give the same text: the run writes it as <see cref="FileName"/>, the report opens with it,
/// and documents quote it verbatim (<see cref="QuotedFindings"/>).
/// </summary>
public static class FindingsSummary
{
    /// <summary>The file every finished run (and sweep) writes at its root.</summary>
    public const string FileName = "findings.md";

    /// <summary>Writes <see cref="FileName"/> into a run or sweep folder; returns its path.</summary>
    public static string Write(string folder)
    {
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path + ".tmp", Of(folder)); // replaced whole, never left half written
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    /// <summary>The findings of a run folder (manifest.json) or a sweep folder (sweep.json).</summary>
    public static string Of(string folder)
    {
        if (File.Exists(Path.Combine(folder, "sweep.json")))
            return Sweep(folder);
        return Of(folder, StepFolders(folder));
    }

    /// <summary>The findings of a run whose steps wrote into <paramref name="stepFolders"/>.</summary>
    public static string Of(string runFolder, IReadOnlyList<string> stepFolders)
    {
        var md = new StringBuilder();
        Example(md, Path.Combine(runFolder, "results.csv"));
        foreach (var folder in stepFolders)
        {
            var path = Path.Combine(runFolder, folder);
            Accuracy(md, folder, Path.Combine(path, "accuracy.csv"));
            Attribution(md, folder, Path.Combine(path, "attribution_summary.csv"));
            if (File.Exists(Path.Combine(path, "dkn_summary.csv")))
                Dkn(md, folder, path);
            foreach (
                var report in Directory.Exists(path)
                    ? Directory.GetFiles(path, "*_report.md").Order(StringComparer.Ordinal).ToArray()
                    : []
            )
                Experiment(md, folder, File.ReadAllLines(report));
        }
        var planted = Path.Combine(runFolder, "planted", "planted_scores.csv");
        if (File.Exists(planted))
            Planted(md, planted);
        return md.Length == 0 ? "" : "**Summary of findings**\n\n" + md + "\n";
    }

    /// <summary>The folders a run's steps wrote into, in step order, read from its manifest.</summary>
    public static IReadOnlyList<string> StepFolders(string runFolder)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "manifest.json")))!;
        var folders = new List<string>();
        foreach (var s in manifest["steps"]?.AsArray() ?? [])
            if (
                s!["options"]?["folder"] is JsonValue f
                && f.TryGetValue<string>(out var text)
                && text.Length > 0
                && Directory.Exists(Path.Combine(runFolder, text))
                && !folders.Contains(text)
            )
                folders.Add(text);
        return folders;
    }

    static string Sweep(string folder)
    {
        var md = new StringBuilder();
        var benchmark = Path.Combine(folder, "planted_benchmark.csv");
        if (File.Exists(benchmark))
            PlantedBenchmark(md, benchmark);
        else if (File.Exists(Path.Combine(folder, "variants_dkn.csv")))
            Variants(md, Path.Combine(folder, "variants_dkn.csv"));
        return md.Length == 0 ? "" : "**Summary of findings**\n\n" + md + "\n";
    }

    /// <summary>Per variant: held-out accuracy and, per DKN step and method, the facts with a DKN.</summary>
    static void Variants(StringBuilder md, string csv)
    {
        foreach (var variant in Rows(csv).GroupBy(r => r["variant"]))
        {
            var first = variant.First();
            md.Append(
                $"- {variant.Key}: held-out accuracy {Findings.F(100 * Double(first["heldout_accuracy"]), "0.0")} "
                    + $"%; facts with a DKN: "
            );
            md.AppendLine(
                string.Join(
                    ", ",
                    variant.Select(r => $"{r["dkn_step"]}/{r["method"]} {r["facts_with_dkn"]} of {r["facts"]}")
                ) + "."
            );
        }
    }

    static void Example(StringBuilder md, string resultsCsv)
    {
        var rows = Rows(resultsCsv);
        if (rows.Count == 0 || !rows[0].TryGetValue("prompts", out var prompts))
            return;
        if (!prompts.StartsWith('['))
            return; // a table from before list cells were JSON arrays
        var first = JsonNode.Parse(prompts)?.AsArray().FirstOrDefault()?.GetValue<string>();
        if (first is null)
            return;
        md.AppendLine(
            $"- {rows.Count} facts, for example `{rows[0]["fact_id"]}`: \"{first}\" → \"{rows[0]["answer"]}\"."
        );
    }

    static void Accuracy(StringBuilder md, string folder, string csv)
    {
        if (!File.Exists(csv))
            return;
        foreach (var row in Rows(csv))
            md.AppendLine(
                $"- {folder}/: {Kind(row["prompt_kind"])} (split {row["split"]}): {row["correct"]} of {row["prompts"]} "
                    + $"prompts of {row["facts"]} facts answered top-1 "
                    + $"({Findings.F(100 * Double(row["accuracy"]), "0.0")} %)."
            );
    }

    static string Kind(string promptKind) =>
        promptKind switch
        {
            "prompts" => "training paraphrases",
            "heldout_prompts" => "held-out paraphrases",
            "question_prompts" => "questions",
            _ => promptKind,
        };

    static void Attribution(StringBuilder md, string folder, string csv)
    {
        if (!File.Exists(csv))
            return;
        foreach (var row in Rows(csv))
            md.AppendLine(
                $"- {folder}/: {Findings.F(Double(row["knowledge_neurons_mean"]), "0.0")} knowledge neurons per fact "
                    + $"(median {row["knowledge_neurons_median"]}, max {row["knowledge_neurons_max"]}) over "
                    + $"{row["facts"]} facts, "
                    + $"{row["facts_without_knowledge_neurons"]} with none."
            );
    }

    static void Dkn(StringBuilder md, string folder, string path)
    {
        var byRelation = File.Exists(Path.Combine(path, "dkn_by_relation.csv"))
            ? Rows(Path.Combine(path, "dkn_by_relation.csv"))
            : [];
        var facts = File.Exists(Path.Combine(path, "dkn_facts.csv")) ? Rows(Path.Combine(path, "dkn_facts.csv")) : [];
        foreach (var row in Rows(Path.Combine(path, "dkn_summary.csv")))
        {
            string method = row["method"];
            int total = Int(row["facts"]),
                found = Int(row["facts_with_dkn"]);
            var (low, high) = Proportion.Wilson(found, total);
            md.Append(
                $"- {folder}/: {method} finds a DKN for {found} of {total} facts "
                    + $"({Findings.F(100.0 * found / Math.Max(1, total), "0.#")} %"
                    + $"{Findings.Ci(100 * low, 100 * high, "0.#")}, Wilson over facts)"
            );
            var relations = byRelation
                .Where(r => r["method"] == method)
                .Select(r => $"{r["relation_id"]} {r["facts_with_dkn"]} of {r["facts"]}")
                .ToList();
            if (relations.Count > 1)
                md.Append($"; per relation {string.Join(", ", relations)}");
            if (row.TryGetValue("rejections", out var rejections) && rejections.Length > 0)
            {
                var reasons = rejections
                    .Replace("=", " ", StringComparison.Ordinal)
                    .Replace(";", ",", StringComparison.Ordinal);
                md.Append($"; the others rejected as {reasons}");
            }
            var stops = facts
                .Where(f => f["method"] == method && f.TryGetValue("knockout_stop", out var s) && s.Length > 0)
                .GroupBy(f => f["knockout_stop"])
                .OrderByDescending(g => g.Count())
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {g.Count()}")
                .ToList();
            if (stops.Count > 0)
                md.Append($"; knockout stopped by {string.Join(", ", stops)}");
            md.AppendLine(found == 0 ? "; no degeneracy curve is drawn." : ".");
        }
    }

    /// <summary>The bullets (or the sentence) after an experiment report's "**Finding…**" line.</summary>
    static void Experiment(StringBuilder md, string folder, string[] lines)
    {
        int start = Array.FindIndex(lines, l => l.StartsWith("**Finding", StringComparison.Ordinal));
        if (start < 0)
            return;
        var bullets = lines
            .Skip(start + 1)
            .SkipWhile(string.IsNullOrWhiteSpace)
            .TakeWhile(l => l.StartsWith("- ", StringComparison.Ordinal))
            .ToList();
        if (bullets.Count == 0)
        {
            var sentence = lines[start];
            int close = sentence.IndexOf("):", StringComparison.Ordinal);
            md.AppendLine($"- {folder}/: {(close > 0 ? sentence[(close + 2)..].Trim() : sentence)}");
            return;
        }
        foreach (var b in bullets)
            md.AppendLine($"- {folder}/: {b[2..]}");
    }

    static void Planted(StringBuilder md, string csv)
    {
        foreach (var row in Rows(csv))
            md.AppendLine(
                $"- planted/: {row["method"]} detects {row["true_positives"]} of {row["degenerate_facts"]} "
                    + $"degenerate facts with "
                    + $"{row["false_positives"]} false of {row["other_facts"]} others."
            );
    }

    /// <summary>The pooled planted benchmark as a table (timings left out: they are the machine's, not the
    /// data's).</summary>
    static void PlantedBenchmark(StringBuilder md, string csv)
    {
        var rows = Rows(csv);
        if (rows.Count == 0)
            return;
        md.AppendLine(
                $"Planted benchmark pooled over {rows[0]["variants"]} models (`planted_benchmark.csv`; recall "
                    + $"pooled and on the worst model):"
            )
            .AppendLine()
            .AppendLine("| method | degenerate facts found | false DKNs | precision | component Jaccard |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var row in rows)
            md.AppendLine(
                $"| {row["method"]} | {row["true_positives"]} of {row["degenerate_facts"]} "
                    + $"(recall {Findings.F(Double(row["recall"]), "0.000")}, worst "
                    + $"{Findings.F(Double(row["worst_recall"]), "0.000")}) | "
                    + $"{row["false_positives"]} of {row["other_facts"]} | "
                    + $"{Findings.F(Double(row["precision"]), "0.000")} | "
                    + $"{Findings.F(Double(row["component_jaccard"]), "0.00")} |"
            );
    }

    static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    static double Double(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    static List<Dictionary<string, string>> Rows(string csv)
    {
        if (!File.Exists(csv))
            return [];
        var table = Csv.Read(csv);
        return table
            .Skip(1)
            .Where(r => r.Length == table[0].Length)
            .Select(r => table[0].Zip(r).ToDictionary(x => x.First, x => x.Second))
            .ToList();
    }
}
