namespace MlNetDkn.Pipelines;

/// <summary>
/// One kind of pipeline step ("synthetic-world", "train-fact-model", ...). Declare the options (snake_case names),
/// what the step needs from earlier steps and what it provides, then do the work in <see cref="Run"/>, writing
/// outputs under <see cref="PipelineContext.OutputFolder"/> as they are finished. Register an instance with
/// <see cref="StepRegistry.Register"/> (built-in steps are listed in <see cref="StepRegistry.CreateDefault"/>).
/// </summary>
public interface IPipelineStep
{
    /// <summary>The name used in pipeline files: lowercase words joined by '-'.</summary>
    string Name { get; }
    string Description { get; }
    IReadOnlyDictionary<string, OptionSpec> Options { get; }
    /// <summary>Artifacts (<see cref="PipelineArtifacts"/>) an earlier step must provide; checked before anything runs.</summary>
    IReadOnlyCollection<string> Needs { get; }
    IReadOnlyCollection<string> Provides { get; }
    void Run(PipelineContext context, ResolvedOptions options);
}

/// <summary>Names of what steps hand to later steps through the <see cref="PipelineContext"/>.</summary>
public static class PipelineArtifacts
{
    /// <summary><see cref="PipelineContext.Dataset"/> and <see cref="PipelineContext.DatasetPath"/>.</summary>
    public const string Dataset = "dataset";
    /// <summary><see cref="PipelineContext.ModelFolder"/> and <see cref="PipelineContext.ModelContentHash"/>.</summary>
    public const string Model = "model";
}
