using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;

namespace MlNetDkn.Metrics.Reports;

/// <summary>
/// One report of a run (or a sweep of runs): report.md, and report.html with the same content and every image
/// embedded, so it opens anywhere without the run folder. It lists the manifest (what ran, with which options,
/// how long each step took), then for every step's folder the report sections the stages wrote (each with the
/// authors' reported numbers beside ours and the protocol differences), its plots and every table (small tables
/// whole, large ones as a preview with their size and file), then the run-level tables.
/// </summary>
public static partial class RunReport
{
    /// <summary>File names of the markdown report and its self-contained HTML twin.</summary>
    public const string MarkdownFile = "report.md",
        HtmlFile = "report.html";
    const int WholeTableRows = 30,
        PreviewRows = 12,
        MaxColumns = 14;

    [GeneratedRegex("<img src=\"([^\"]+\\.png)\"")]
    private static partial Regex ImageSource();

    /// <summary>Writes report.md and report.html into <paramref name="folder"/> (a run folder with manifest.json or a
    /// sweep folder with sweep.json), and findings.md again from its tables; returns the report's two paths.</summary>
    public static (string Markdown, string Html) Write(string folder)
    {
        folder = Path.GetFullPath(folder);
        if (!File.Exists(Path.Combine(folder, "manifest.json")) && !File.Exists(Path.Combine(folder, "sweep.json")))
            throw new DknInputException($"{folder}: not a run folder (no manifest.json or sweep.json)");
        var md = new StringBuilder();
        if (File.Exists(Path.Combine(folder, "sweep.json")))
            Sweep(md, folder);
        else
            Run(md, folder, folder, 1);
        var mdPath = Path.Combine(folder, MarkdownFile);
        File.WriteAllText(mdPath, md.ToString());
        var htmlPath = Path.Combine(folder, HtmlFile);
        File.WriteAllText(htmlPath, Html(md.ToString(), folder));
        FindingsSummary.Write(folder);
        return (mdPath, htmlPath);
    }

    static void Sweep(StringBuilder md, string folder)
    {
        var sweep = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "sweep.json")))!;
        var name = sweep["pipeline"]?["name"]?.GetValue<string>() ?? Path.GetFileName(folder);
        md.AppendLine($"# {name}: a sweep of {sweep["variants"]?.AsArray().Count ?? 0} variants").AppendLine();
        if (sweep["pipeline"]?["description"]?.GetValue<string>() is { Length: > 0 } d)
            md.AppendLine(d).AppendLine();
        md.AppendLine("| variant | settings | status |").AppendLine("|---|---|---|");
        foreach (var v in sweep["variants"]?.AsArray() ?? [])
            md.AppendLine(
                $"| {v!["name"]} | {string.Join(" ", v["set"]!.AsArray().Select(s => "`" + s + "`"))} | {v["status"]} |"
            );
        md.AppendLine();
        md.Append(FindingsSummary.Of(folder));
        Folder(md, folder, folder, "Comparison of the variants", 2, recurse: false);
        foreach (var v in sweep["variants"]?.AsArray() ?? [])
        {
            var sub = Path.Combine(folder, v!["folder"]!.GetValue<string>());
            if (File.Exists(Path.Combine(sub, "manifest.json")))
                Run(md, folder, sub, 2);
        }
    }

    static void Run(StringBuilder md, string root, string folder, int level)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!.AsObject();
        var h = new string('#', level);
        var pipeline = manifest["pipeline"]!;
        md.AppendLine($"{h} {pipeline["name"]} ({manifest["status"]})").AppendLine();
        if (pipeline["definition"]?["description"]?.GetValue<string>() is { Length: > 0 } description)
            md.AppendLine(description).AppendLine();
        md.AppendLine(
                $"Tool {manifest["tool"]?["version"]}, seed {manifest["seed"]}, started {manifest["started_utc"]}, "
                    + $"{Seconds(manifest["seconds"])} in all; machine {manifest["machine"]?["os"]}, "
                    + $"{manifest["machine"]?["cores"]} cores, "
                    + $"{manifest["machine"]?["torch_threads"]} torch threads. Dataset sha256 "
                    + $"`{Short(manifest["dataset"]?["content_sha256"])}`, "
                    + $"model sha256 `{Short(manifest["model"]?["content_sha256"])}`."
            )
            .AppendLine();
        md.AppendLine("| # | step | folder | status | seconds | fit s | compute s |")
            .AppendLine("|---|---|---|---|---|---|---|");
        var folders = new List<(string Step, string Folder)>();
        foreach (var s in manifest["steps"]?.AsArray() ?? [])
        {
            var stepFolder = s!["options"]?["folder"] is JsonValue f && f.TryGetValue<string>(out var text) ? text : "";
            md.AppendLine(
                $"| {s["index"]} | {s["step"]} | {stepFolder} | {s["status"]} | {Seconds(s["seconds"])} | "
                    + $"{Seconds(s["fit_seconds"])} | {Seconds(s["compute_seconds"])} |"
            );
            if (
                stepFolder.Length > 0
                && Directory.Exists(Path.Combine(folder, stepFolder))
                && !folders.Any(x => x.Folder == stepFolder)
            )
                folders.Add((s["step"]!.GetValue<string>(), stepFolder));
        }
        md.AppendLine();
        md.Append(FindingsSummary.Of(folder, FindingsSummary.StepFolders(folder)));
        foreach (var (step, sub) in folders)
            Folder(md, root, Path.Combine(folder, sub), $"{step} ({sub}/)", level + 1, recurse: true);
        if (File.Exists(Path.Combine(folder, "acquisition_table.csv")))
            md.AppendLine(AcquisitionComparison()).AppendLine();
        Folder(md, root, folder, "Run-level tables", level + 1, recurse: false);
    }

    /// <summary>A folder's report sections, plots and tables (its store and model folders left out).</summary>
    static void Folder(StringBuilder md, string root, string folder, string title, int level, bool recurse)
    {
        var h = new string('#', level);
        md.AppendLine($"{h} {title}").AppendLine();
        foreach (var section in Directory.GetFiles(folder, "*_report.md").Order(StringComparer.Ordinal))
            md.AppendLine(Demote(File.ReadAllText(section), level)).AppendLine();
        foreach (var png in Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal))
            md.AppendLine($"![{Path.GetFileNameWithoutExtension(png)}]({Rel(root, png)})").AppendLine();
        foreach (var csv in Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal))
            Table(md, root, csv, level + 1);
        if (!recurse)
            return;
        foreach (
            var sub in Directory
                .GetDirectories(folder)
                .Where(d => Path.GetFileName(d) is not ("store" or "models"))
                .Order(StringComparer.Ordinal)
        )
            if (
                Directory
                    .EnumerateFiles(sub, "*.*", SearchOption.AllDirectories)
                    .Any(f => f.EndsWith(".csv") || f.EndsWith(".png"))
            )
                Folder(md, root, sub, Path.GetFileName(sub) + "/", level + 1, recurse: true);
    }

    static void Table(StringBuilder md, string root, string csv, int level)
    {
        var rows = Csv.Read(csv);
        if (rows.Count == 0)
            return;
        var header = rows[0];
        int n = rows.Count - 1;
        md.AppendLine($"{new string('#', Math.Min(level, 6))} {Path.GetFileNameWithoutExtension(csv)}").AppendLine();
        md.AppendLine($"{n:N0} rows × {header.Length} columns — [{Rel(root, csv)}]({Rel(root, csv)})").AppendLine();
        int columns = Math.Min(header.Length, MaxColumns);
        var shown = n <= WholeTableRows ? rows.Skip(1) : rows.Skip(1).Take(PreviewRows);
        md.AppendLine(
            "| "
                + string.Join(" | ", header.Take(columns).Select(Cell))
                + (header.Length > columns ? $" | … {header.Length - columns} more" : "")
                + " |"
        );
        md.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", columns + (header.Length > columns ? 1 : 0))));
        foreach (var r in shown)
            md.AppendLine(
                "| " + string.Join(" | ", r.Take(columns).Select(Cell)) + (header.Length > columns ? " | …" : "") + " |"
            );
        if (n > WholeTableRows)
            md.AppendLine().AppendLine($"(first {PreviewRows} of {n:N0} rows)");
        md.AppendLine();
    }

    static string Cell(string value)
    {
        if (
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && value.Contains('.')
            && !value.Contains(':')
        )
            value =
                Math.Abs(d) >= 1e-3 && Math.Abs(d) < 1e6
                    ? d.ToString("0.####", CultureInfo.InvariantCulture)
                    : d.ToString("G4", CultureInfo.InvariantCulture);
        if (value.Length > 80)
            value = value[..77] + "…";
        return value.Replace("|", "\\|").Replace("\n", " ");
    }

    static string AcquisitionComparison()
    {
        var s = new StringBuilder();
        s.AppendLine(
            "**DKN acquisition beside the authors' reported numbers.** Their LLaMA-2 table (tmp_eval.py), mean "
                + "relative change over proper "
                + "subsets / with the whole DKN suppressed: NTC 14.11 / 28.78, DBSCAN 22.26 / 18.24, hierarchical "
                + "27.50 / 44.04, k-means 20.08 / 39.24 "
                + "(no GPT-2 values are in their repository)."
        );
        s.AppendLine(
            "What differs in protocol: their numbers are (P0 − P)/P0 negated, clipped at ±T/2 or 2T with T = 900 "
                + "(values above 1 cannot be bounded "
                + "drops), under their lenient rule (each component alone < 5 %, no joint requirement) on one "
                + "prompt; ours (acquisition_table.csv) are "
                + "(P_after − P0)/P0 unclipped, per DKN size with 95 % intervals, under the strict definition "
                + "(every proper subset, every prompt) "
                + "and, side by side, under their rule."
        );
        return s.ToString();
    }

    static string Demote(string markdown, int level) =>
        string.Join(
            '\n',
            markdown.Split('\n').Select(l => l.StartsWith('#') ? new string('#', Math.Min(6, level)) + l : l)
        );

    static string Rel(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    static string Seconds(JsonNode? n) =>
        n is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString("0.#", CultureInfo.InvariantCulture) : "";

    static string Short(JsonNode? n) => n?.GetValue<string>() is { Length: > 12 } s ? s[..12] : n?.ToString() ?? "–";

    static string Html(string markdown, string root)
    {
        var pipeline = new MarkdownPipelineBuilder().UsePipeTables().UseAutoLinks().Build();
        var body = Markdown.ToHtml(markdown, pipeline);
        // Every image embedded, so the file stands alone.
        body = ImageSource()
            .Replace(body, m =>
            {
                var path = Path.Combine(root, m.Groups[1].Value);
                return File.Exists(path)
                    ? $"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\""
                    : m.Value;
            });
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>MlNetDkn report</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em;
                   line-height: 1.45; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; display: block;
                    max-width: 100%; overflow-x: auto; }
            th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
            th { background: #f2f2f2; }
            img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
            code { background: #f5f5f5; padding: 0 3px; }
            </style></head><body>
            {{body}}
            </body></html>
            """;
    }
}
