using System.Globalization;
using System.Text.Json;
using MlNetDkn.Facts.Internal;

namespace MlNetDkn.Facts.Importers;

/// <summary>
/// ROME's known facts (Meng et al. 2022, known_1000.json): prompt = the `prompt` field, which already ends where
/// the object starts; answer = `attribute`. Fact ids are "rome:{known_id}".
/// </summary>
public sealed class RomeImporter : IFactImporter
{
    /// <summary>The file the importer reads from the input folder.</summary>
    public const string FileName = "known_1000.json";

    /// <inheritdoc/>
    public string Format => "rome";

    /// <inheritdoc/>
    public string Description => $"{FileName}: a JSON array of {{known_id, subject, attribute, prompt, relation_id}}";

    /// <inheritdoc/>
    public FactImportResult Import(string inputFolder)
    {
        var path = Path.Combine(inputFolder, FileName);
        var root = JsonInput.ReadDocument(path);
        if (root.ValueKind != JsonValueKind.Array)
            throw JsonInput.Fail(path, null, $"top level is {root.ValueKind} (expected an array of facts)");

        var records = new List<FactRecord>();
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var where = $"item {index}";
            if (!item.TryGetProperty("known_id", out var idElement) || idElement.ValueKind != JsonValueKind.Number)
                throw JsonInput.Fail(path, where, $"missing numeric field 'known_id'");
            records.Add(
                new FactRecord
                {
                    FactId = "rome:" + idElement.GetInt64().ToString(CultureInfo.InvariantCulture),
                    RelationId = JsonInput.RequireString(item, "relation_id", path, where),
                    Subject = JsonInput.RequireString(item, "subject", path, where),
                    Answer = JsonInput.RequireString(item, "attribute", path, where),
                    Prompts = [JsonInput.RequireString(item, "prompt", path, where).TrimEnd()],
                    Split = FactSplits.Train,
                    Source = Format,
                }
            );
            index++;
        }
        var dataset = new FactDataset(records, path);
        return new FactImportResult(dataset, FactImportReport.For(Format, dataset, [], []));
    }
}
