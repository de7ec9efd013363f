using System.Text.Json;
using MlNetDkn.Facts;
using MlNetDkn.Facts.Importers;

namespace MlNetDkn.Degeneracy.Planted;

/// <summary>
/// The planted facts in ROME's known-facts format (<c>rome/known_1000.json</c> beside the model), so a planted model
/// goes through the same import and `dkn degenerate --data` path as any model a user brings. Fact i becomes known_id i,
/// which the importer names "rome:i"; <see cref="TruthId"/> maps it back.
/// </summary>
public static class PlantedRomeExport
{
    /// <summary>Sub-folder of the model folder that holds the export.</summary>
    public const string Folder = "rome";

    /// <summary>
    /// Writes <paramref name="facts"/> (fact i as known_id i, its first prompt as the prompt) to
    /// <c>rome/known_1000.json</c> under <paramref name="modelFolder"/>; returns the file's path.
    /// </summary>
    public static string Write(IReadOnlyList<FactRecord> facts, string modelFolder)
    {
        var folder = Path.Combine(modelFolder, Folder);
        Directory.CreateDirectory(folder);
        var items = facts.Select(
            (f, i) =>
                new Dictionary<string, object>
                {
                    ["known_id"] = i,
                    ["subject"] = f.Subject,
                    ["attribute"] = f.Answer,
                    ["template"] = f.Prompts[0].Replace(f.Subject, "{}"),
                    ["prediction"] = f.Answer,
                    ["prompt"] = f.Prompts[0],
                    ["relation_id"] = f.RelationId,
                }
        );
        var path = Path.Combine(folder, RomeImporter.FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(items, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    /// <summary>The planted truth's id of a fact imported from the export ("rome:3" → "planted:0003"); other ids as
    /// they are.</summary>
    public static string TruthId(string factId) =>
        factId.StartsWith("rome:", StringComparison.Ordinal) && int.TryParse(factId.AsSpan(5), out int i)
            ? PlantedModelBuilder.FactId(i)
            : factId;
}
