using System.Text.Json.Nodes;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines;

/// <summary>
/// Joins the shards of a run: every result store a shard wrote (<c>shard-i-of-n/&lt;stage&gt;/store/*.jsonl</c>) is
/// appended to the same store of the run's own folder, after checking that every shard 0..n−1 finished. The run itself
/// then runs unsharded over all facts: every per-fact result comes from those stores, so its tables are the tables an
/// unsharded run writes (stages that learn across facts, such as fact-check thresholds or fine-tunes, run there).
/// Merging again appends nothing: a line the run's store already holds is not appended a second time.
/// </summary>
public static class ShardMerge
{
    /// <summary>Appends the stores of every completed shard folder under <paramref name="output"/> to the same stores
    /// of <paramref name="output"/>; throws when a shard is missing or unfinished. Returns the lines appended (lines
    /// already there are skipped, so a second merge appends none).</summary>
    public static int MergeStores(string output, IPipelineReporter reporter)
    {
        var shards = Directory.Exists(output)
            ? Directory
                .GetDirectories(output, "shard-*-of-*")
                .Select(d => (Folder: d, Shard: Parse(d)))
                .Where(s => s.Shard is not null)
                .ToList()
            : [];
        if (shards.Count == 0)
            throw new DknInputException(
                $"{output}: no shard folders (shard-i-of-n) to merge; run the shards with --shard i/n first"
            );
        var counts = shards.Select(s => s.Shard!.Count).Distinct().ToList();
        if (counts.Count > 1)
            throw new DknInputException(
                $"{output}: shard folders of different splits "
                    + $"({string.Join(", ", counts.Select(c => $"of {c}"))}); keep one"
            );
        int n = counts[0];
        var missing = Enumerable.Range(0, n).Where(i => !shards.Any(s => s.Shard!.Index == i)).ToList();
        if (missing.Count > 0)
            throw new DknInputException(
                $"{output}: shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} of {n} missing; run "
                    + $"them before merging"
            );
        foreach (var (folder, shard) in shards.OrderBy(s => s.Shard!.Index))
        {
            var manifest = Path.Combine(folder, RunManifest.FileName);
            var status = File.Exists(manifest)
                ? JsonNode.Parse(File.ReadAllText(manifest))?["status"]?.GetValue<string>()
                : null;
            if (status != "completed")
                throw new DknInputException(
                    $"{folder}: shard {shard!.Index} of {n} is {status ?? "not started"}; rerun it (it resumes) "
                        + $"before merging"
                );
        }
        int lines = 0;
        foreach (var (folder, _) in shards.OrderBy(s => s.Shard!.Index))
        foreach (
            var store in Directory
                .GetFiles(folder, "*.jsonl", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "store")
                .Order(StringComparer.Ordinal)
        )
        {
            var target = Path.Combine(output, Path.GetRelativePath(folder, store));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var present = new HashSet<string>(CompleteLines(target, truncateTail: true), StringComparer.Ordinal);
            var content = CompleteLines(store, truncateTail: false).Where(present.Add).ToList();
            MachineIo.Write(target, () => File.AppendAllLines(target, content));
            lines += content.Count;
        }
        reporter.Info($"  merged {lines:N0} stored results from {n} shards into {output}");
        return lines;
    }

    /// <summary>The non-empty lines of a store ended by a line break (a line without one was cut off by a kill);
    /// with <paramref name="truncateTail"/> such a line is also cut from the file, so appends start a new line.
    /// A missing file has none.</summary>
    static List<string> CompleteLines(string path, bool truncateTail)
    {
        if (!File.Exists(path))
            return [];
        var text = File.ReadAllText(path);
        int end = text.LastIndexOf('\n') + 1;
        if (truncateTail && end < text.Length)
            MachineIo.Write(path, () =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                stream.SetLength(System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(0, end)));
            });
        return [.. text[..end].Split('\n').Where(l => l.Length > 0)];
    }

    static Shard? Parse(string folder)
    {
        var name = Path.GetFileName(folder);
        var parts = name.Split('-');
        return
            parts.Length == 4
            && parts[0] == "shard"
            && parts[2] == "of"
            && int.TryParse(parts[1], out var i)
            && int.TryParse(parts[3], out var n)
            && i < n
            ? new Shard(i, n)
            : null;
    }
}
