using System.Globalization;
using System.Text.Json.Nodes;

namespace MlNetDkn.Pipelines;

/// <summary>
/// `--set key=value` overrides, applied to a definition before validation. Keys:
/// <list type="bullet">
/// <item><c>seed</c>, <c>threads</c>, <c>output</c>, <c>name</c>, <c>description</c>: top-level fields;</item>
/// <item><c>steps.&lt;step-name&gt;.&lt;option&gt;</c>: an option of the one step of that name (e.g.
/// <c>steps.train-fact-model.epochs=5</c>);</item>
/// <item><c>steps.&lt;index&gt;.&lt;option&gt;</c>: an option of the step at that 0-based position, for pipelines that
/// use one step name twice.</item>
/// </list>
/// Values are typed by the option's declared type: strings are taken verbatim, other types as JSON literals
/// (<c>5</c>, <c>0.01</c>, <c>true</c>). Every problem names the --set argument.
/// </summary>
public static class PipelineOverrides
{
    public static PipelineDefinition Apply(PipelineDefinition definition, IEnumerable<string> assignments, StepRegistry registry)
    {
        var steps = definition.Steps.Select(s => s with { Options = (JsonObject)s.Options.DeepClone() }).ToList();
        var result = definition;
        foreach (var assignment in assignments)
        {
            var (key, text) = Split(assignment);
            result = key switch
            {
                "seed" => result with { Seed = TopInt(assignment, text) },
                "threads" => result with { Threads = TopInt(assignment, text) },
                "output" => result with { Output = text },
                "device" => result with { Device = text },
                "dtype" => result with { DType = text },
                "name" => result with { Name = text },
                "description" => result with { Description = text },
                _ when key.StartsWith("steps.", StringComparison.Ordinal) => SetStepOption(result, steps, assignment, key, text, registry),
                _ => throw Error(assignment, $"unknown key '{key}' (expected seed, threads, device, dtype, output, name, description, steps.<step>.<option> or steps.<index>.<option>)"),
            };
        }
        return result with { Steps = steps };
    }

    static PipelineDefinition SetStepOption(PipelineDefinition definition, List<StepDefinition> steps, string assignment,
        string key, string text, StepRegistry registry)
    {
        var parts = key.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length == 0)
            throw Error(assignment, $"'{key}' is not steps.<step-name>.<option> or steps.<index>.<option>");
        var (target, option) = (parts[1], parts[2]);
        var step = FindStep(steps, target, assignment);
        if (!registry.TryGet(step.Step, out var kind))
            throw Error(assignment, $"step '{step.Step}' is not a known step (known steps: {string.Join(", ", registry.Names)})");
        if (!kind.Options.TryGetValue(option, out var spec))
            throw Error(assignment, $"unknown option '{option}' for step '{kind.Name}' (valid: {string.Join(", ", kind.Options.Keys.Order(StringComparer.Ordinal))})");
        var node = spec.FromText(text);
        if (!spec.TryConvert(node, out _, out var error)) throw Error(assignment, $"option '{option}' of step '{kind.Name}': {error}");
        step.Options[option] = node;
        return definition;
    }

    static StepDefinition FindStep(List<StepDefinition> steps, string target, string assignment)
    {
        if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return index < steps.Count ? steps[index] : throw Error(assignment, $"there is no step {index} (the pipeline has {steps.Count} steps, numbered from 0)");
        var matches = steps.Where(s => s.Step == target).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw Error(assignment, $"the pipeline has no step '{target}' (its steps: {string.Join(", ", steps.Select(s => s.Step).Distinct())})"),
            _ => throw Error(assignment, $"step '{target}' appears {matches.Count} times; name it by position instead, e.g. steps.{matches[0].Index}.<option>"),
        };
    }

    static (string Key, string Value) Split(string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw Error(assignment, "expected key=value");
        return (assignment[..eq].Trim(), assignment[(eq + 1)..]);
    }

    static int TopInt(string assignment, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Error(assignment, $"expected integer, got \"{text}\"");

    static DknInputException Error(string assignment, string message) => new($"--set {assignment}: {message}");
}
