namespace MlNetDkn.Pipelines;

/// <summary>A step ready to run: its kind, its resolved options and where it was defined.</summary>
public sealed record PlannedStep(IPipelineStep Step, ResolvedOptions Options, StepDefinition Definition);

/// <summary>A definition whose steps and options have all been checked against the registry.</summary>
public sealed record ValidatedPipeline(PipelineDefinition Definition, IReadOnlyList<PlannedStep> Steps);

/// <summary>
/// Checks a definition against the registry and collects every problem, each naming the JSON path: unknown step
/// (listing the known ones), unknown option (listing the valid ones), missing required option, mistyped value
/// (expected type and given value), an option value out of range (each step's Check), a source step after an
/// analysis stage, and a step that needs something no earlier step provides. Nothing runs before this passes.
/// </summary>
public static class PipelineValidator
{
    /// <summary>The pipeline with each step's options resolved; throws a <see cref="PipelineValidationException"/>
    /// listing every problem otherwise.</summary>
    public static ValidatedPipeline Validate(PipelineDefinition definition, StepRegistry registry)
    {
        var errors = new List<string>();
        var planned = new List<PlannedStep>();
        var provided = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            definition.ModelLoad.Validate();
        }
        catch (DknInputException e)
        {
            errors.Add($"$: {e.Message}");
        }
        string? firstStage = null,
            finalStep = null;
        foreach (var def in definition.Steps)
        {
            if (!registry.TryGet(def.Step, out var step))
            {
                errors.Add(
                    $"{def.JsonPath}.step: unknown step '{def.Step}' (known steps: {string.Join(", ", registry.Names)})"
                );
                continue;
            }
            var options = Resolve(step, def, errors);
            if (options != null)
                errors.AddRange(step.Check(options).Select(m => $"{def.JsonPath}.options: {m}"));
            if (step is not IFinalStep && finalStep != null)
                errors.Add(
                    $"{def.JsonPath}: step '{step.Name}' comes after '{finalStep}', which runs once everything "
                        + $"else has finished; put '{finalStep}' last"
                );
            if (step is IFinalStep)
                finalStep ??= step.Name;
            if (step is ISourceStep && firstStage != null)
                errors.Add(
                    $"{def.JsonPath}: source step '{step.Name}' comes after the analysis stage '{firstStage}'; put "
                        + $"the steps that produce facts and models first"
                );
            if (step is not ISourceStep and not IFinalStep)
                firstStage ??= step.Name;
            foreach (var need in step.Needs.Where(n => !provided.Contains(n)))
            {
                var providers = registry.Steps.Where(s => s.Provides.Contains(need)).Select(s => s.Name);
                errors.Add(
                    $"{def.JsonPath}: step '{step.Name}' needs a {need}, but no earlier step provides one "
                        + $"(steps providing it: {string.Join(", ", providers)})"
                );
            }
            provided.UnionWith(step.Provides);
            if (options != null)
                planned.Add(new PlannedStep(step, options, def));
        }
        if (errors.Count > 0)
            throw new PipelineValidationException(definition.Source, errors);
        return new ValidatedPipeline(definition, planned);
    }

    static ResolvedOptions? Resolve(IPipelineStep step, StepDefinition def, List<string> errors)
    {
        int before = errors.Count;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, node) in def.Options)
            if (!step.Options.ContainsKey(name))
                errors.Add(
                    $"{def.JsonPath}.options.{name}: unknown option '{name}' for step '{step.Name}' (valid: "
                        + $"{string.Join(", ", step.Options.Keys.Order(StringComparer.Ordinal))})"
                );
        foreach (var (name, spec) in step.Options)
        {
            var path = $"{def.JsonPath}.options.{name}";
            if (!def.Options.TryGetPropertyValue(name, out var node) || node is null)
            {
                if (spec.Required)
                    errors.Add(
                        $"{path}: missing required option '{name}' of step '{step.Name}' ({spec.TypeName}: "
                            + $"{spec.Description})"
                    );
                values[name] = spec.Default;
            }
            else if (spec.TryConvert(node, out var value, out var error))
                values[name] = value;
            else
                errors.Add($"{path}: {error}");
        }
        return errors.Count == before ? new ResolvedOptions(step.Name, values) : null;
    }
}
