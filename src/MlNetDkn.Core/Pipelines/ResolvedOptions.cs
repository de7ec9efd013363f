using System.Text.Json.Nodes;

namespace MlNetDkn.Pipelines;

/// <summary>
/// A step's options after validation: every declared option with its given or default value, typed (int, double,
/// bool, string) or null when optional and unset. Getters throw on a name the step did not declare.
/// </summary>
public sealed class ResolvedOptions(string stepName, IReadOnlyDictionary<string, object?> values)
{
    /// <summary>The step the options belong to, named in every error.</summary>
    public string StepName { get; } = stepName;

    /// <summary>Every declared option by name: an int, double, bool or string, or null when
    /// optional and unset.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; } = values;

    /// <summary>An integer option's value; throws when it is unset or not declared.</summary>
    public int GetInt(string name) => Get<int>(name);

    /// <summary>A number option's value; throws when it is unset or not declared.</summary>
    public double GetDouble(string name) => Get<double>(name);

    /// <summary>A boolean option's value; throws when it is not declared.</summary>
    public bool GetBool(string name) => Get<bool>(name);

    /// <summary>A string option's value; throws when it is unset or not declared.</summary>
    public string GetString(string name) => Get<string>(name);

    /// <summary>The value, or <paramref name="fallback"/> when the option is optional and unset (null
    /// default).</summary>
    public int GetInt(string name, int fallback) => Raw(name) is int v ? v : fallback;

    /// <summary>A string option's value, or null when it is unset; throws when it is not declared.</summary>
    public string? GetStringOrNull(string name) => Raw(name) as string;

    /// <summary>The options as a JSON object (for manifests and cache keys).</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        foreach (var (name, value) in Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            o[name] = value switch
            {
                null => null,
                int i => i,
                double d => d,
                bool b => b,
                string s => s,
                _ => value.ToString(),
            };
        return o;
    }

    T Get<T>(string name) =>
        Raw(name) is T v
            ? v
            : throw new InvalidOperationException(
                $"step {StepName}: option '{name}' is {(Raw(name) is null ? "unset" : Raw(name)!.GetType().Name)}, "
                    + $"not {typeof(T).Name}"
            );

    object? Raw(string name) =>
        Values.TryGetValue(name, out var v)
            ? v
            : throw new InvalidOperationException($"step {StepName}: option '{name}' is not declared");
}
