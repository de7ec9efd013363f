namespace MlNetDkn.Pipelines;

/// <summary>
/// One kind of pipeline step ("synthetic-world", "attribute-knowledge-neurons", ...): its options (snake_case names),
/// what it needs from earlier steps and what it provides, all checked before anything runs. Two kinds exist:
/// <see cref="ISourceStep"/>s produce the run's facts and model; stage steps (defined by the ML.NET face) become
/// estimators of the run's ML.NET pipeline, which is fitted on the facts once the sources have run.
/// </summary>
public interface IPipelineStep
{
    /// <summary>The name used in pipeline files: lowercase words joined by '-'.</summary>
    string Name { get; }

    /// <summary>One line saying what the step does, shown by the CLI's step listing.</summary>
    string Description { get; }

    /// <summary>The options the step accepts, keyed by their snake_case name.</summary>
    IReadOnlyDictionary<string, OptionSpec> Options { get; }

    /// <summary>Artifacts (<see cref="PipelineArtifacts"/>) an earlier step must provide; checked before anything
    /// runs.</summary>
    IReadOnlyCollection<string> Needs { get; }

    /// <summary>Artifacts (<see cref="PipelineArtifacts"/>) this step hands to later steps; empty when none.</summary>
    IReadOnlyCollection<string> Provides { get; }

    /// <summary>Checks option values beyond their types (ranges, syntax, files that must exist) before any work;
    /// each problem is one message naming the option.</summary>
    IEnumerable<string> Check(ResolvedOptions options) => [];
}

/// <summary>A step that produces the run's facts or model; it runs before the ML.NET pipeline is built.</summary>
public interface ISourceStep : IPipelineStep
{
    /// <summary>Does the step's work: it sets the context's dataset or model (or writes files a later stage reads) and
    /// records the files it writes in the manifest.</summary>
    void Run(PipelineContext context, ResolvedOptions options);
}

/// <summary>A step that runs after every stage's tables are written (the report); it must come last.</summary>
public interface IFinalStep : IPipelineStep
{
    /// <summary>Writes the step's outputs from what the run's stages left in the output folder.</summary>
    void Run(PipelineContext context, ResolvedOptions options);
}

/// <summary>Names of what steps hand to later steps.</summary>
public static class PipelineArtifacts
{
    /// <summary><see cref="PipelineContext.Dataset"/> and <see cref="PipelineContext.DatasetPath"/>.</summary>
    public const string Dataset = "dataset";

    /// <summary><see cref="PipelineContext.ModelFolder"/> and <see cref="PipelineContext.ModelContentHash"/>.</summary>
    public const string Model = "model";

    /// <summary>The knowledge-neuron columns of the attribution stage.</summary>
    public const string KnowledgeNeurons = "knowledge neurons";

    /// <summary>The DKN columns of the DKN stage.</summary>
    public const string DegenerateNeurons = "degenerate knowledge neurons";
}
