using MlNetDkn.Facts.Internal;

namespace MlNetDkn.Facts.Importers;

/// <summary>
/// PARAREL (Elazar et al. 2021): patterns/P*.jsonl paraphrase patterns and trex/P*.jsonl T-REx tuples. A causal
/// model can only use patterns that end with the object [Y]; each fact gets every such paraphrase of its relation
/// (distinct, in file order). Relations without a usable pattern are dropped and counted. Fact ids are
/// "pararel:{uuid}"; aliases are the other objects T-REx lists for the same subject and relation.
/// </summary>
public sealed class ParaRelImporter : IFactImporter
{
    /// <summary>Drop reason (unit "patterns"): the paraphrase pattern does not end with the object.</summary>
    public const string DropNotObjectLast = "pattern does not end with [Y]";

    /// <summary>
    /// Drop reason (units "relations" and "facts"): the relation's pattern file has no usable pattern.
    /// </summary>
    public const string DropNoUsablePattern = "relation has no pattern ending with [Y]";

    /// <summary>Drop reason (units "relations" and "facts"): the T-REx relation has no file under patterns/.</summary>
    public const string DropNoPatternFile = "relation has no pattern file";

    /// <inheritdoc/>
    public string Format => "pararel";

    /// <inheritdoc/>
    public string Description => "patterns/P*.jsonl ({pattern, ...}) and trex/P*.jsonl ({sub_label, obj_label, uuid})";

    /// <inheritdoc/>
    public FactImportResult Import(string inputFolder)
    {
        var patternFolder = Path.Combine(inputFolder, "patterns");
        var trexFolder = Path.Combine(inputFolder, "trex");
        foreach (var folder in new[] { patternFolder, trexFolder })
            if (!Directory.Exists(folder))
                throw new DknInputException($"{folder}: folder not found (expected PARAREL's patterns/ and trex/)");

        var patternsByRelation = ReadPatterns(patternFolder, out var notObjectLast);
        var records = new List<FactRecord>();
        var dropped = new List<FactImportDrop> { new("patterns", DropNotObjectLast, notObjectLast) };
        int relationsWithoutFile = 0,
            factsWithoutFile = 0,
            relationsWithoutUsable = 0,
            factsWithoutUsable = 0;

        foreach (var trexFile in RelationFiles(trexFolder))
        {
            var relation = Path.GetFileNameWithoutExtension(trexFile);
            var tuples = ReadTuples(trexFile);
            if (!patternsByRelation.TryGetValue(relation, out var patterns))
            {
                relationsWithoutFile++;
                factsWithoutFile += tuples.Count;
                continue;
            }
            if (patterns.Count == 0)
            {
                relationsWithoutUsable++;
                factsWithoutUsable += tuples.Count;
                continue;
            }

            var objectsBySubject = tuples
                .GroupBy(t => t.Subject, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(t => t.Object).ToList(), StringComparer.Ordinal);
            foreach (var (subject, obj, uuid) in tuples)
                records.Add(
                    new FactRecord
                    {
                        FactId = "pararel:" + uuid,
                        RelationId = relation,
                        Subject = subject,
                        Answer = obj,
                        Aliases = OrderedDistinct.Of(objectsBySubject[subject], obj),
                        Prompts = OrderedDistinct.Of(patterns.Select(p => ClozePattern.Fill(p, subject))),
                        Split = FactSplits.Train,
                        Source = Format,
                    }
                );
        }
        dropped.Add(new("relations", DropNoPatternFile, relationsWithoutFile));
        dropped.Add(new("facts", DropNoPatternFile, factsWithoutFile));
        dropped.Add(new("relations", DropNoUsablePattern, relationsWithoutUsable));
        dropped.Add(new("facts", DropNoUsablePattern, factsWithoutUsable));

        var dataset = new FactDataset(records, inputFolder);
        var usable = patternsByRelation.Values.Sum(p => p.Count);
        return new FactImportResult(
            dataset,
            FactImportReport.For(
                Format,
                dataset,
                dropped,
                [$"{usable} usable patterns over {patternsByRelation.Count} pattern files"]
            )
        );
    }

    /// <summary>Relation files in ordinal name order, so output order never depends on the file system.</summary>
    internal static IEnumerable<string> RelationFiles(string folder) =>
        Directory.GetFiles(folder, "*.jsonl").OrderBy(Path.GetFileName, StringComparer.Ordinal);

    static Dictionary<string, List<string>> ReadPatterns(string folder, out int notObjectLast)
    {
        notObjectLast = 0;
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in RelationFiles(folder))
        {
            var usable = new List<string>();
            foreach (var (line, value) in JsonInput.ReadLines(file))
            {
                var pattern = JsonInput.RequireString(value, "pattern", file, JsonInput.Line(line));
                if (ClozePattern.EndsWithObject(pattern))
                    usable.Add(pattern);
                else
                    notObjectLast++;
            }
            result[Path.GetFileNameWithoutExtension(file)] = usable;
        }
        return result;
    }

    static List<(string Subject, string Object, string Uuid)> ReadTuples(string file) =>
        JsonInput
            .ReadLines(file)
            .Select(l =>
                (
                    JsonInput.RequireString(l.Value, "sub_label", file, JsonInput.Line(l.Line)),
                    JsonInput.RequireString(l.Value, "obj_label", file, JsonInput.Line(l.Line)),
                    JsonInput.RequireString(l.Value, "uuid", file, JsonInput.Line(l.Line))
                )
            )
            .ToList();
}
