using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MlNetDkn.Pipelines;

/// <summary>
/// One entry of a pipeline's "variants" array: <c>{"name", "description", "set": ["steps.train-fact-model.layers=4",
/// ...]}</c>. A pipeline with variants runs once per variant, the variant's <c>set</c> applied on top of the definition
/// (the same syntax as `--set`), each into <c>&lt;output&gt;/&lt;name&gt;/</c>, and then compares the variants side by
/// side.
/// </summary>
public sealed partial record PipelineVariant(string Name, string Description, IReadOnlyList<string> Set)
{
    /// <summary>The keys a variant object may have; any other is an error.</summary>
    public static readonly IReadOnlyList<string> Keys = ["name", "description", "set"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex FolderName();

    /// <summary>The variant as its pipeline-file object (name, description, set).</summary>
    public JsonObject ToJson() =>
        new()
        {
            ["name"] = Name,
            ["description"] = Description,
            ["set"] = new JsonArray(Set.Select(s => (JsonNode)s).ToArray()),
        };

    /// <summary>Parses <c>$.variants</c>; every problem is added to <paramref name="errors"/> with its JSON
    /// path.</summary>
    public static List<PipelineVariant> ParseAll(JsonNode? node, List<string> errors)
    {
        var variants = new List<PipelineVariant>();
        if (node is null)
            return variants;
        if (node is not JsonArray array)
        {
            errors.Add(
                $"$.variants: expected an array of {{\"name\", \"set\"}} objects, got {OptionSpec.Render(node)}"
            );
            return variants;
        }
        for (int i = 0; i < array.Count; i++)
        {
            var path = $"$.variants[{i}]";
            if (array[i] is not JsonObject o)
            {
                errors.Add(
                    $"{path}: expected an object {{\"name\": ..., \"set\": [...]}}, got {OptionSpec.Render(array[i])}"
                );
                continue;
            }
            foreach (var key in o.Select(kv => kv.Key).Where(k => !Keys.Contains(k)))
                errors.Add($"{path}.{key}: unknown key '{key}' (valid: {string.Join(", ", Keys)})");
            var name = o["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : null;
            if (name is null)
                errors.Add($"{path}.name: expected the variant's name as a string, got {OptionSpec.Render(o["name"])}");
            else if (!FolderName().IsMatch(name))
                errors.Add(
                    $"{path}.name: \"{name}\" is not a folder name (letters, digits, '.', '_', '-'; not starting "
                        + $"with '.')"
                );
            else if (variants.Any(x => x.Name == name))
                errors.Add($"{path}.name: \"{name}\" is used by an earlier variant; names must be unique");
            var description = o["description"] is JsonValue d && d.TryGetValue<string>(out var t) ? t : "";
            var set = new List<string>();
            switch (o["set"])
            {
                case null:
                    break;
                case JsonArray items:
                    for (int k = 0; k < items.Count; k++)
                        if (items[k] is JsonValue item && item.TryGetValue<string>(out var s))
                            set.Add(s);
                        else
                            errors.Add(
                                $"{path}.set[{k}]: expected \"key=value\" as a string, got "
                                    + $"{OptionSpec.Render(items[k])}"
                            );
                    break;
                default:
                    errors.Add(
                        $"{path}.set: expected an array of \"key=value\" strings, got {OptionSpec.Render(o["set"])}"
                    );
                    break;
            }
            if (name is not null)
                variants.Add(new PipelineVariant(name, description, set));
        }
        if (array.Count == 0)
            errors.Add("$.variants: the array is empty (leave it out for a single run)");
        return variants;
    }
}
