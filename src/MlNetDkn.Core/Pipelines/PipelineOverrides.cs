using System.Globalization;
using System.Text.Json.Nodes;

namespace MlNetDkn.Pipelines;

/// <summary>
/// `--set key=value` overrides, applied to a definition before validation. Keys:
/// <list type="bullet">
/// <item><c>seed</c>, <c>threads</c>, <c>output</c>, <c>name</c>, <c>description</c>: top-level fields;</item>
/// <item><c>steps.&lt;step-name&gt;.&lt;option&gt;</c>: an option of the one step of that name (e.g.
/// <c>steps.train-fact-model.epochs=5</c>);</item>
/// <item><c>steps.&lt;folder&gt;.&lt;option&gt;</c>: the step that writes to that folder (e.g.
/// <c>steps.dkn-graph.methods</c>), and <c>steps.&lt;step-name&gt;#&lt;k&gt;.&lt;option&gt;</c>: its k-th occurrence
/// (from 1), for pipelines that use one step name twice;</item>
/// <item><c>steps.&lt;index&gt;.&lt;option&gt;</c>: an option of the step at that 0-based position.</item>
/// </list>
/// Values are typed by the option's declared type: strings are taken verbatim, other types as JSON literals
/// (<c>5</c>, <c>0.01</c>, <c>true</c>). Every problem names the --set argument.
/// </summary>
public static class PipelineOverrides
{
    /// <summary>A copy of <paramref name="definition"/> with each <c>key=value</c> of <paramref name="assignments"/>
    /// applied in order; option values are typed with the step kinds of <paramref name="registry"/>.</summary>
    public static PipelineDefinition Apply(
        PipelineDefinition definition,
        IEnumerable<string> assignments,
        StepRegistry registry
    )
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
                _ when key.StartsWith("steps.", StringComparison.Ordinal) => SetStepOption(
                    result,
                    steps,
                    assignment,
                    key,
                    text,
                    registry
                ),
                _ => throw Error(
                    assignment,
                    $"unknown key '{key}' (expected seed, threads, device, dtype, output, name, description, "
                        + $"steps.<step>.<option> or steps.<index>.<option>)"
                ),
            };
        }
        return result with { Steps = steps };
    }

    static PipelineDefinition SetStepOption(
        PipelineDefinition definition,
        List<StepDefinition> steps,
        string assignment,
        string key,
        string text,
        StepRegistry registry
    )
    {
        var parts = key.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length == 0)
            throw Error(assignment, $"'{key}' is not steps.<step-name>.<option> or steps.<index>.<option>");
        var (target, option) = (parts[1], parts[2]);
        var step = FindStep(steps, target, assignment, registry, option);
        if (!registry.TryGet(step.Step, out var kind))
            throw Error(
                assignment,
                $"step '{step.Step}' is not a known step (known steps: {string.Join(", ", registry.Names)})"
            );
        if (!kind.Options.TryGetValue(option, out var spec))
            throw UnknownOption(assignment, option, kind);
        var node = spec.FromText(text);
        if (!spec.TryConvert(node, out _, out var error))
            throw Error(assignment, $"option '{option}' of step '{kind.Name}': {error}");
        step.Options[option] = node;
        return definition;
    }

    static StepDefinition FindStep(
        List<StepDefinition> steps,
        string target,
        string assignment,
        StepRegistry registry,
        string option
    )
    {
        if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return index < steps.Count
                ? steps[index]
                : throw Error(
                    assignment,
                    $"there is no step {index} (the pipeline has {steps.Count} steps, numbered from 0)"
                );
        int hash = target.LastIndexOf('#');
        if (hash > 0)
        {
            var name = target[..hash];
            var same = steps.Where(s => s.Step == name).ToList();
            if (
                !int.TryParse(target[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
                || k < 1
                || k > same.Count
            )
                throw Error(
                    assignment,
                    $"'{target}': step '{name}' appears {same.Count} time(s); its occurrences are "
                        + $"{name}#1..{name}#{same.Count}"
                );
            return same[k - 1];
        }
        var matches = steps.Where(s => s.Step == target).ToList();
        if (matches.Count == 0)
            matches = steps.Where(s => Folder(s, registry) == target).ToList();
        if (matches.Count > 1 && registry.TryGet(matches[0].Step, out var kind) && !kind.Options.ContainsKey(option))
            throw UnknownOption(assignment, option, kind);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw Error(
                assignment,
                $"the pipeline has no step or step folder '{target}' (its steps: "
                    + $"{string.Join(", ", steps.Select(s => s.Step).Distinct())}; "
                    + $"folders: {string.Join(", ", steps.Select(s => Folder(s, registry)).OfType<string>())})"
                    + Closest(
                        target,
                        steps.Select(s => s.Step).Concat(steps.Select(s => Folder(s, registry)).OfType<string>())
                    )
            ),
            _ => throw Error(
                assignment,
                $"step '{target}' appears {matches.Count} times; name it by its folder "
                    + $"({string.Join(", ", matches.Select(s => Folder(s, registry) ?? "?"))}), as "
                    + $"{target}#1..{target}#{matches.Count}, "
                    + $"or by position (steps {string.Join(", ", matches.Select(s => s.Index))})"
            ),
        };
    }

    /// <summary>The folder a step writes to: its folder option as given, or that option's default.</summary>
    static string? Folder(StepDefinition step, StepRegistry registry)
    {
        if (step.Options["folder"] is JsonValue v && v.TryGetValue<string>(out var given))
            return given;
        return registry.TryGet(step.Step, out var kind) && kind.Options.TryGetValue("folder", out var spec)
            ? spec.Default as string
            : null;
    }

    static DknInputException UnknownOption(string assignment, string option, IPipelineStep kind) =>
        Error(
            assignment,
            $"unknown option '{option}' for step '{kind.Name}'{Closest(option, kind.Options.Keys)} (valid: "
                + $"{string.Join(", ", kind.Options.Keys.Order(StringComparer.Ordinal))})"
        );

    /// <summary>"; did you mean 'x'?" for the known name nearest by edit distance (at most two edits, or a third of a
    /// long word), or "".</summary>
    static string Closest(string word, IEnumerable<string> known)
    {
        var best = known
            .Distinct()
            .Select(k => (k, d: EditDistance(word, k)))
            .OrderBy(x => x.d)
            .ThenBy(x => x.k, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.k is not null && best.d > 0 && best.d <= Math.Max(2, word.Length / 3)
            ? $"; did you mean '{best.k}'?"
            : "";
    }

    static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    static (string Key, string Value) Split(string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw Error(assignment, "expected key=value");
        return (assignment[..eq].Trim(), assignment[(eq + 1)..]);
    }

    static int TopInt(string assignment, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Error(assignment, $"expected integer, got \"{text}\"");

    static DknInputException Error(string assignment, string message) => new($"--set {assignment}: {message}");
}
