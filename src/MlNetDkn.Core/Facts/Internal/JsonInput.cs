using System.Text.Json;

namespace MlNetDkn.Facts.Internal;

/// <summary>Reads the raw JSON/JSONL inputs of the importers; every failure names the file and line.</summary>
internal static class JsonInput
{
    /// <summary>One parsed object per non-blank line, with its 1-based line number.</summary>
    public static IEnumerable<(int Line, JsonElement Value)> ReadLines(string path)
    {
        RequireFile(path);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            yield return (lineNumber, Parse(line, path, lineNumber));
        }
    }

    public static JsonElement ReadDocument(string path)
    {
        RequireFile(path);
        return Parse(File.ReadAllText(path), path, null);
    }

    public static void RequireFile(string path)
    {
        if (!File.Exists(path))
            throw new DknInputException($"{path}: file not found");
    }

    public static string RequireString(JsonElement obj, string field, string path, string? where)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(field, out var value))
            throw Fail(path, where, $"missing field '{field}' (expected a string)");
        if (value.ValueKind != JsonValueKind.String)
            throw Fail(path, where, $"field '{field}' is {value.ValueKind} (expected a string)");
        return value.GetString()!;
    }

    public static JsonElement RequireArray(JsonElement obj, string field, string path, string? where)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(field, out var value))
            throw Fail(path, where, $"missing field '{field}' (expected an array)");
        if (value.ValueKind != JsonValueKind.Array)
            throw Fail(path, where, $"field '{field}' is {value.ValueKind} (expected an array)");
        return value;
    }

    /// <summary>The array's string items; anything else is an error.</summary>
    public static List<string> RequireStringArray(JsonElement obj, string field, string path, string? where) =>
        RequireArray(obj, field, path, where)
            .EnumerateArray()
            .Select(item =>
                item.ValueKind == JsonValueKind.String
                    ? item.GetString()!
                    : throw Fail(path, where, $"field '{field}' holds a {item.ValueKind} (expected strings)")
            )
            .ToList();

    /// <param name="where">"line 12", "item 3", or null for the whole file.</param>
    public static DknInputException Fail(string path, string? where, string problem) =>
        new(where is null ? $"{path}: {problem}" : $"{path}: {where}: {problem}");

    public static string Line(int lineNumber) => $"line {lineNumber}";

    static JsonElement Parse(string text, string path, int? line)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Fail(path, line is { } n ? Line(n) : null, $"invalid JSON ({e.Message})");
        }
    }
}
