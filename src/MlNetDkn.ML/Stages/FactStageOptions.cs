using System.Text.Json.Serialization;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Stages;

/// <summary>
/// What every stage needs besides its own options: the model (a path, referenced by content hash, never copied), how
/// to load it (device, dtype, threads), where results are stored, and the run-time hooks (progress, cancellation),
/// which are not saved with a pipeline.
/// </summary>
public abstract record FactStageOptions
{
    /// <summary>A Hugging Face folder or llama2.c checkpoint.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Device, dtype and threads the model is loaded with (CPU, float32 by default).</summary>
    public ModelLoadOptions Load { get; init; } = new();

    /// <summary>The stage's folder: tables go here and results to its <c>store/</c>; null uses
    /// <see cref="KnowledgeNeuronsCatalog.DefaultStageFolder"/> for the stage, safe to share because every stored
    /// result is keyed by model hash, fact, prompt and options.</summary>
    public string? Folder { get; init; }

    /// <summary>Where the stage's tables go inside an output folder (a run's, or `dkn apply --out`); null uses the
    /// stage's name.</summary>
    public string? TablesFolder { get; init; }

    /// <summary>Receives one report per fact; null for none. Not saved with a pipeline.</summary>
    [JsonIgnore]
    public IProgress<FactStageProgress>? Progress { get; init; }

    /// <summary>Checked before every fact (finished facts stay stored). Not saved with a pipeline.</summary>
    [JsonIgnore]
    public CancellationToken CancellationToken { get; init; }

    internal string ResolvedFolder(string stage) =>
        Path.GetFullPath(Folder ?? KnowledgeNeuronsCatalog.DefaultStageFolder(stage));

    internal virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
            throw new DknInputException("stage options: ModelPath is required (a model folder or llama2.c checkpoint)");
        Load.Validate();
    }
}
