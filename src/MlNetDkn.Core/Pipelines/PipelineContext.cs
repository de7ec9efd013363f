using System.Text.Json.Nodes;
using MlNetDkn.Facts;

namespace MlNetDkn.Pipelines;

/// <summary>
/// What the source steps of a running pipeline hand on: the output folder, seed, cache and model load settings, the
/// fact dataset and model they produced, the manifest under construction and a reporter. Results of the analysis
/// stages pass between them as typed ML.NET columns, not through this context.
/// </summary>
public sealed class PipelineContext
{
    /// <summary>A context for one run; the output and cache folders are made absolute (not created).</summary>
    /// <param name="modelLoad">Device, dtype and threads of the run's models; null: CPU, float32,
    /// libtorch's default threads.</param>
    public PipelineContext(
        string outputFolder,
        int seed,
        string cacheFolder,
        RunManifest manifest,
        IPipelineReporter reporter,
        CancellationToken cancellationToken = default,
        Modeling.ModelLoadOptions? modelLoad = null
    )
    {
        ModelLoad = modelLoad ?? new();
        OutputFolder = Path.GetFullPath(outputFolder);
        Seed = seed;
        CacheFolder = Path.GetFullPath(cacheFolder);
        Manifest = manifest;
        Reporter = reporter;
        CancellationToken = cancellationToken;
    }

    /// <summary>Absolute folder every output of the run goes into.</summary>
    public string OutputFolder { get; }

    /// <summary>The pipeline seed; steps use it unless their own seed option is set.</summary>
    public int Seed { get; }

    /// <summary>Root of the trained-model cache (<c>.cache/models</c> by default).</summary>
    public string CacheFolder { get; }

    /// <summary>The run's manifest.json under construction; steps add sections and outputs to it.</summary>
    public RunManifest Manifest { get; }

    /// <summary>Where steps write info lines and progress.</summary>
    public IPipelineReporter Reporter { get; }

    /// <summary>Cancels the run; long steps (training, the stages) stop at their next check.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Device, dtype and threads of every model of the run.</summary>
    public Modeling.ModelLoadOptions ModelLoad { get; }

    /// <summary>The current fact dataset (set by synthetic-world / load-facts), or null before one.</summary>
    public FactDataset? Dataset { get; private set; }

    /// <summary>Parquet file of <see cref="Dataset"/>.</summary>
    public string? DatasetPath { get; private set; }

    /// <summary>The current model: a Hugging Face folder that ModelLoader.Load reads (set by train-fact-model /
    /// load-model).</summary>
    public string? ModelFolder { get; private set; }

    /// <summary>SHA-256 over the model's config.json and weight files (equal to LoadedModel.ContentHash); waits for
    /// the hash when it is still being computed.</summary>
    public string? ModelContentHash => _modelHash?.GetAwaiter().GetResult();
    Task<string>? _modelHash;

    /// <summary>The manifest entry of the step now running (its "outputs" object takes what the step wrote).</summary>
    public JsonObject? CurrentStep { get; internal set; }

    /// <summary>An absolute path inside the output folder; creates the folders above it.</summary>
    public string OutputPath(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(OutputFolder, relative));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Records an output file or folder of the current step in the manifest (path relative to the
    /// output).</summary>
    public void RecordOutput(string label, string path)
    {
        if (CurrentStep?["outputs"] is JsonObject outputs)
            outputs[label] = Relative(path);
    }

    /// <summary>Makes <paramref name="dataset"/>, stored at <paramref name="path"/>, the run's current dataset and
    /// records its path, content hash and fact/prompt counts in the manifest's "dataset" section.</summary>
    public void SetDataset(FactDataset dataset, string path)
    {
        Dataset = dataset;
        DatasetPath = Path.GetFullPath(path);
        Manifest.SetSection(
            "dataset",
            new JsonObject
            {
                ["path"] = Relative(path),
                ["content_sha256"] = dataset.ContentHash(),
                ["facts"] = dataset.Count,
                ["prompts"] = dataset.Records.Sum(r => r.Prompts.Count),
                ["heldout_prompts"] = dataset.Records.Sum(r => r.HeldoutPrompts.Count),
            }
        );
    }

    /// <param name="details">Extra manifest fields (cache folder, reuse, training summary).</param>
    public void SetModel(string folder, string contentHash, JsonObject? details = null) =>
        SetModel(folder, Task.FromResult(contentHash), details);

    /// <param name="contentHash">The hash, possibly still being computed (it then overlaps the model's
    /// loading).</param>
    public void SetModel(string folder, Task<string> contentHash, JsonObject? details = null)
    {
        ModelFolder = Path.GetFullPath(folder);
        _modelHash = contentHash;
        var section = details ?? new JsonObject();
        section["folder"] = Relative(folder);
        Manifest.SetSection("model", section);
        Manifest.SetWhenKnown(section, "content_sha256", contentHash);
    }

    /// <summary>The current dataset; throws a <see cref="DknInputException"/> naming <paramref name="step"/>
    /// when there is none.</summary>
    public FactDataset RequireDataset(string step) =>
        Dataset
        ?? throw new DknInputException(
            $"step '{step}' needs a fact dataset: add a synthetic-world or load-facts step before it"
        );

    /// <summary>The current model folder; throws a <see cref="DknInputException"/> naming <paramref name="step"/>
    /// when there is none.</summary>
    public string RequireModel(string step) =>
        ModelFolder
        ?? throw new DknInputException(
            $"step '{step}' needs a model: add a train-fact-model or load-model step before it"
        );

    /// <summary>Paths inside the output folder are recorded relative to it; others absolute.</summary>
    public string Relative(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(OutputFolder, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? full
            : relative.Replace('\\', '/');
    }
}
