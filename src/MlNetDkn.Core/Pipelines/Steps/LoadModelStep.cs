using MlNetDkn.Modeling;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>`load-model`: makes an existing model folder (or llama2.c file) the run's model; it is referenced, not
/// copied.</summary>
public sealed class LoadModelStep : IPreviewableSource
{
    /// <inheritdoc/>
    public string Name => "load-model";

    /// <inheritdoc/>
    public string Description =>
        "Use an existing Hugging Face model folder (or llama2.c checkpoint) as the run's model.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.Model];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<LoadModelSettings>();

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        var path = StepSettings.Bind<LoadModelSettings>(o).Path;
        if (!File.Exists(path) && !Directory.Exists(path))
            yield return $"path: {path}: no such model folder or file";
    }

    /// <inheritdoc/>
    public void Preview(SourcePreview preview, ResolvedOptions o) =>
        preview.ModelFolder = Path.GetFullPath(StepSettings.Bind<LoadModelSettings>(o).Path);

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var path = Path.GetFullPath(StepSettings.Bind<LoadModelSettings>(o).Path);
        // Loading once checks the folder now rather than in a later, more expensive step.
        // Checked as a load would check it, without building the weights: the stages load it once, shared.
        var (config, files) = ModelLoader.Describe(path, context.ModelLoad);
        // Hashed in the background: the stages that load the model read it meanwhile (the hash is ready in ~0.6 s
        // per GB on this CPU, about when the weights are loaded), and anything that needs the hash waits for it.
        context.SetModel(
            path,
            ContentHashing.Sha256OfFilesInBackground(files),
            new System.Text.Json.Nodes.JsonObject { ["family"] = config.Family.ToString() }
        );
        context.Reporter.Info($"  {config.Family} model, {config.NumLayers} layers, from {path}");
    }
}

/// <summary>The options of <see cref="LoadModelStep"/>.</summary>
public sealed record LoadModelSettings
{
    /// <summary>Model folder or llama2.c .bin file, relative to the current directory.</summary>
    [StepOption("Model folder or llama2.c .bin file, relative to the current directory")]
    public required string Path { get; init; }
}
