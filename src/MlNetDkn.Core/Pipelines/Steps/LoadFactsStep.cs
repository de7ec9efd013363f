using MlNetDkn.Facts;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>`load-facts`: makes an existing fact Parquet file the run's dataset (it is referenced, not
/// copied).</summary>
public sealed class LoadFactsStep : IPreviewableSource
{
    /// <inheritdoc/>
    public string Name => "load-facts";

    /// <inheritdoc/>
    public string Description => "Use an existing fact dataset (Parquet) as the run's dataset.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.Dataset];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<LoadFactsSettings>();

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        var path = StepSettings.Bind<LoadFactsSettings>(o).Path;
        if (!File.Exists(path))
        {
            yield return $"path: {path}: file not found (expected a fact dataset in Parquet)";
            yield break;
        }
        // Read now, before any output is touched: a malformed or empty file is reported by validation.
        string? problem = null;
        try
        {
            if (FactDataset.Read(path).Count == 0)
                problem = $"path: {path}: the file has no facts (0 rows); nothing to analyse";
        }
        catch (DknInputException e)
        {
            problem = $"path: {e.Message}";
        }
        if (problem != null)
            yield return problem;
    }

    /// <inheritdoc/>
    public void Preview(SourcePreview preview, ResolvedOptions o)
    {
        var path = Path.GetFullPath(StepSettings.Bind<LoadFactsSettings>(o).Path);
        (preview.Dataset, preview.DatasetPath) = (FactDataset.Read(path), path);
    }

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var path = Path.GetFullPath(StepSettings.Bind<LoadFactsSettings>(o).Path);
        var dataset = FactDataset.Read(path);
        if (dataset.Count == 0)
            throw new DknInputException($"{path}: the file has no facts (0 rows); nothing to analyse");
        context.SetDataset(dataset, path);
        context.Reporter.Info($"  {dataset.Count:N0} facts from {path}");
    }
}

/// <summary>The options of <see cref="LoadFactsStep"/>.</summary>
public sealed record LoadFactsSettings
{
    /// <summary>Fact Parquet file, relative to the current directory.</summary>
    [StepOption("Fact Parquet file, relative to the current directory")]
    public required string Path { get; init; }
}
