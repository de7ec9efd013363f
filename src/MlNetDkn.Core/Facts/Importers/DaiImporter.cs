using System.Globalization;
using System.Text.Json;
using MlNetDkn.Facts.Internal;

namespace MlNetDkn.Facts.Importers;

/// <summary>
/// Dai et al. 2022's T-REx pairs (query_pairs.json, {relation: [[subject, object], ...]}) with LAMA's templates
/// (lama_relations.jsonl). Only templates ending with [Y] are usable by a causal model; pairs of other relations are
/// dropped and counted, and so are repeated (relation, subject, object) pairs, which have no identity of their own.
/// Fact ids are "dai:{relation}:{index in the source list}"; aliases are the subject's other objects.
/// </summary>
public sealed class DaiImporter : IFactImporter
{
    /// <summary>The pairs file read from the input folder.</summary>
    public const string PairsFile = "query_pairs.json";

    /// <summary>The LAMA templates file read from the input folder (JSON lines with relation and template).</summary>
    public const string TemplatesFile = "lama_relations.jsonl";

    /// <summary>
    /// Drop reason (units "relations" and "facts"): the relation's LAMA template does not end with the object.
    /// </summary>
    public const string DropNotObjectLast = "template does not end with [Y]";

    /// <summary>Drop reason (units "relations" and "facts"): the relation has no entry in the templates file.</summary>
    public const string DropNoTemplate = "relation has no LAMA template";

    /// <summary>Drop reason (unit "facts"): the pair repeats an earlier pair of the same relation.</summary>
    public const string DropDuplicate = "repeats an earlier (relation, subject, object) pair";

    /// <inheritdoc/>
    public string Format => "dai";

    /// <inheritdoc/>
    public string Description =>
        $"{PairsFile} ({{relation: [[subject, object], ...]}}) and {TemplatesFile} ({{relation, template, ...}})";

    /// <inheritdoc/>
    public FactImportResult Import(string inputFolder)
    {
        var templates = ReadTemplates(Path.Combine(inputFolder, TemplatesFile));
        var pairsPath = Path.Combine(inputFolder, PairsFile);
        var root = JsonInput.ReadDocument(pairsPath);
        if (root.ValueKind != JsonValueKind.Object)
            throw JsonInput.Fail(
                pairsPath,
                null,
                $"top level is {root.ValueKind} (expected an object keyed by relation)"
            );

        var records = new List<FactRecord>();
        var drops = new Dictionary<(string Unit, string Reason), int>();
        void Drop(string unit, string reason, int n) =>
            drops[(unit, reason)] = drops.GetValueOrDefault((unit, reason)) + n;

        // Source order of relations (the file's key order) is kept: it is fixed by the file itself.
        foreach (var relationProperty in root.EnumerateObject())
        {
            var relation = relationProperty.Name;
            var pairs = ReadPairs(relationProperty.Value, relation, pairsPath);
            if (!templates.TryGetValue(relation, out var template))
            {
                Drop("relations", DropNoTemplate, 1);
                Drop("facts", DropNoTemplate, pairs.Count);
                continue;
            }
            if (!ClozePattern.EndsWithObject(template))
            {
                Drop("relations", DropNotObjectLast, 1);
                Drop("facts", DropNotObjectLast, pairs.Count);
                continue;
            }

            var objectsBySubject = pairs
                .GroupBy(p => p.Subject, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Object).ToList(), StringComparer.Ordinal);
            var seen = new HashSet<(string, string)>();
            for (var i = 0; i < pairs.Count; i++)
            {
                var (subject, obj) = pairs[i];
                if (!seen.Add((subject, obj)))
                {
                    Drop("facts", DropDuplicate, 1);
                    continue;
                }
                records.Add(
                    new FactRecord
                    {
                        FactId = $"dai:{relation}:{i.ToString(CultureInfo.InvariantCulture)}",
                        RelationId = relation,
                        Subject = subject,
                        Answer = obj,
                        Aliases = OrderedDistinct.Of(objectsBySubject[subject], obj),
                        Prompts = [ClozePattern.Fill(template, subject)],
                        Split = FactSplits.Train,
                        Source = Format,
                    }
                );
            }
        }
        var dataset = new FactDataset(records, pairsPath);
        return new FactImportResult(
            dataset,
            FactImportReport.For(
                Format,
                dataset,
                drops.Select(d => new FactImportDrop(d.Key.Unit, d.Key.Reason, d.Value)),
                []
            )
        );
    }

    static Dictionary<string, string> ReadTemplates(string path)
    {
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (line, value) in JsonInput.ReadLines(path))
            templates[JsonInput.RequireString(value, "relation", path, JsonInput.Line(line))] = JsonInput.RequireString(
                value,
                "template",
                path,
                JsonInput.Line(line)
            );
        return templates;
    }

    static List<(string Subject, string Object)> ReadPairs(JsonElement list, string relation, string path)
    {
        if (list.ValueKind != JsonValueKind.Array)
            throw JsonInput.Fail(
                path,
                $"relation {relation}",
                $"value is {list.ValueKind} (expected an array of [subject, object] pairs)"
            );
        var pairs = new List<(string, string)>();
        var index = 0;
        foreach (var pair in list.EnumerateArray())
        {
            if (
                pair.ValueKind != JsonValueKind.Array
                || pair.GetArrayLength() != 2
                || pair[0].ValueKind != JsonValueKind.String
                || pair[1].ValueKind != JsonValueKind.String
            )
                throw JsonInput.Fail(
                    path,
                    $"relation {relation}, pair {index}",
                    "expected [subject, object] as two strings"
                );
            pairs.Add((pair[0].GetString()!, pair[1].GetString()!));
            index++;
        }
        return pairs;
    }
}
