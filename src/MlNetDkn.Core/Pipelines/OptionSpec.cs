using System.Text.Json.Nodes;

namespace MlNetDkn.Pipelines;

/// <summary>The JSON types a step option may take.</summary>
public enum OptionType
{
    /// <summary>A whole number that fits a 32-bit int.</summary>
    Integer,

    /// <summary>A floating-point number (double).</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A text, possibly restricted to <see cref="OptionSpec.Choices"/>.</summary>
    String,
}

/// <summary>
/// One option a pipeline step accepts: its type, default, description, and whether it must be given. A null default
/// on an optional option means "not set" (the step decides, e.g. falling back to the pipeline seed). For strings,
/// <see cref="Choices"/> restricts the accepted values.
/// </summary>
public sealed record OptionSpec(
    OptionType Type,
    object? Default,
    string Description,
    bool Required = false,
    IReadOnlyList<string>? Choices = null
)
{
    /// <summary>An optional integer option; a null default means "not set".</summary>
    public static OptionSpec Int(int? @default, string description) => new(OptionType.Integer, @default, description);

    /// <summary>An optional floating-point option; a null default means "not set".</summary>
    public static OptionSpec Number(double? @default, string description) =>
        new(OptionType.Number, @default, description);

    /// <summary>An optional boolean option with the given default.</summary>
    public static OptionSpec Bool(bool @default, string description) => new(OptionType.Boolean, @default, description);

    /// <summary>An optional string option; when <paramref name="choices"/> are given only those
    /// values are accepted.</summary>
    public static OptionSpec Text(string? @default, string description, params string[] choices) =>
        new(OptionType.String, @default, description, Choices: choices.Length > 0 ? choices : null);

    /// <summary>A string option the pipeline must give (no default).</summary>
    public static OptionSpec RequiredText(string description) =>
        new(OptionType.String, null, description, Required: true);

    /// <summary>"integer", "number", "boolean", "string" or "one of a, b".</summary>
    public string TypeName =>
        Choices is { Count: > 0 } ? $"one of {string.Join(", ", Choices)}" : Type.ToString().ToLowerInvariant();

    /// <summary>The typed value of a JSON node (int, double, bool or string), or an error text naming what was
    /// expected.</summary>
    public bool TryConvert(JsonNode? node, out object? value, out string error)
    {
        value = null;
        error = "";
        // Nodes built in code hold CLR values (an int cannot be read as long); parsed JSON holds JSON elements.
        if (
            node is JsonValue built
            && built.GetValueKind()
                is System.Text.Json.JsonValueKind.Number
                    or System.Text.Json.JsonValueKind.String
                    or System.Text.Json.JsonValueKind.True
                    or System.Text.Json.JsonValueKind.False
        )
            node = JsonNode.Parse(built.ToJsonString());
        if (node is JsonValue v)
        {
            switch (Type)
            {
                case OptionType.Integer when v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue:
                    value = (int)l;
                    return true;
                case OptionType.Integer
                    when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue:
                    value = (int)d;
                    return true;
                case OptionType.Number when v.TryGetValue<double>(out var n):
                    value = n;
                    return true;
                case OptionType.Boolean when v.TryGetValue<bool>(out var b):
                    value = b;
                    return true;
                case OptionType.String when v.TryGetValue<string>(out var s):
                    if (Choices is { Count: > 0 } && !Choices.Contains(s, StringComparer.Ordinal))
                    {
                        error = $"expected {TypeName}, got {Render(node)}";
                        return false;
                    }
                    value = s;
                    return true;
            }
        }
        error = $"expected {TypeName}, got {Render(node)}";
        return false;
    }

    /// <summary>A command-line text (from --set) as the JSON node this option expects: strings stay strings,
    /// other types are read as JSON literals (5, 0.5, true).</summary>
    public JsonNode? FromText(string text)
    {
        if (Type == OptionType.String)
            return JsonValue.Create(text);
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>A JSON node as compact JSON text for error messages; "null" for a missing node.</summary>
    public static string Render(JsonNode? node) => node is null ? "null" : node.ToJsonString();
}
