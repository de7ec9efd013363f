using MlNetDkn.Pipelines.Steps;

namespace MlNetDkn.Pipelines;

/// <summary>The step kinds a pipeline may use, by name. The ML.NET face adds the stage steps with
/// <see cref="Register"/>.</summary>
public sealed class StepRegistry
{
    readonly Dictionary<string, IPipelineStep> _steps = new(StringComparer.Ordinal);

    /// <summary>A registry with every built-in source step (facts and models).</summary>
    public static StepRegistry CreateSources() =>
        new StepRegistry()
            .Register(new SyntheticWorldStep())
            .Register(new LoadFactsStep())
            .Register(new SelectFactsStep())
            .Register(new TrainFactModelStep())
            .Register(new LoadModelStep())
            .Register(new PlantedModelStep())
            .Register(new PerturbQueriesStep())
            .Register(new UpdateFactsStep())
            .Register(new ReportStep());

    /// <summary>Adds a step kind; a second step with the same name is a programming error.</summary>
    public StepRegistry Register(IPipelineStep step)
    {
        if (!_steps.TryAdd(step.Name, step))
            throw new InvalidOperationException($"a pipeline step named '{step.Name}' is already registered");
        return this;
    }

    /// <summary>The step kind registered under <paramref name="name"/> (exact, case-sensitive), if any.</summary>
    public bool TryGet(string name, out IPipelineStep step) => _steps.TryGetValue(name, out step!);

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names => _steps.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The registered step kinds, sorted by name.</summary>
    public IEnumerable<IPipelineStep> Steps => Names.Select(n => _steps[n]);
}
