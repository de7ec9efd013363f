using MlNetDkn.Facts;

namespace MlNetDkn.Pipelines;

/// <summary>
/// What the source steps of a pipeline will hand on, worked out without writing anything: the facts (read and
/// selected in memory) and the model folder. Null where a step makes them only when it runs (a synthetic world, a
/// trained model); checks that need them are then left to the run.
/// </summary>
public sealed class SourcePreview(int seed)
{
    /// <summary>The pipeline seed, for steps that draw.</summary>
    public int Seed { get; } = seed;

    /// <summary>The facts the stages will see, or null when unknown before the run.</summary>
    public FactDataset? Dataset { get; set; }

    /// <summary>The file the facts come from, named in messages.</summary>
    public string? DatasetPath { get; set; }

    /// <summary>The model folder or file the stages will load, or null when unknown before the run.</summary>
    public string? ModelFolder { get; set; }
}

/// <summary>A source step whose result can be previewed (<see cref="SourcePreview"/>) without running it.</summary>
public interface IPreviewableSource : ISourceStep
{
    /// <summary>Updates the preview as <see cref="ISourceStep.Run"/> would update the context; writes
    /// nothing.</summary>
    void Preview(SourcePreview preview, ResolvedOptions options);
}
