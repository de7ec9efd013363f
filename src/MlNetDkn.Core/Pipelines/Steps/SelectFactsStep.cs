using MlNetDkn.Facts;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>
/// `select-facts`: narrows the run's dataset to a split, some relations, or at most N facts (per relation or overall,
/// drawn across relations with a seed) and writes the selection, so the analysis stages and `dkn apply` see exactly
/// these facts.
/// </summary>
public sealed class SelectFactsStep : IPreviewableSource
{
    /// <inheritdoc/>
    public string Name => "select-facts";

    /// <inheritdoc/>
    public string Description =>
        "Keep a split, some relations, or at most N facts (stratified over relations, seeded).";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.Dataset];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<SelectFactsSettings>();

    /// <summary>The fact selection the step's options describe; the seed falls back to
    /// <paramref name="pipelineSeed"/>.</summary>
    public static FactSelection ToSelection(SelectFactsSettings s, int pipelineSeed) =>
        new()
        {
            Split = s.Split,
            Relations = s.Relations?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            MaxPerRelation = s.MaxPerRelation,
            MaxFacts = s.MaxFacts,
            Seed = s.Seed ?? pipelineSeed,
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToSelection(StepSettings.Bind<SelectFactsSettings>(o), 0).Validate();
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    /// <inheritdoc/>
    public void Preview(SourcePreview preview, ResolvedOptions o)
    {
        if (preview.Dataset is { } dataset)
            preview.Dataset = new FactDataset(
                ToSelection(StepSettings.Bind<SelectFactsSettings>(o), preview.Seed).Apply(dataset),
                "selection"
            );
    }

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var dataset = context.RequireDataset(Name);
        var s = StepSettings.Bind<SelectFactsSettings>(o);
        var selection = ToSelection(s, context.Seed);
        var kept = selection.Apply(dataset);
        if (kept.Count == 0)
            throw new DknInputException(
                $"step {Name}: no facts left after selecting {selection} from {dataset.Count} facts "
                    + $"(splits: {string.Join(", ", dataset.Records.Select(r => r.Split).Distinct())}; relations: "
                    + $"{string.Join(", ", dataset.Relations)})"
            );
        var selected = new FactDataset(kept, "selection");
        var path = context.OutputPath(s.File);
        selected.Write(path);
        context.SetDataset(selected, path);
        context.RecordOutput("dataset", path);
        context.Reporter.Info(
            $"  {selected.Count:N0} of {dataset.Count:N0} facts ({selection}) -> {context.Relative(path)}"
        );
    }
}

/// <summary>The options of <see cref="SelectFactsStep"/>.</summary>
public sealed record SelectFactsSettings
{
    /// <summary>Only facts of this split ('all' for every split).</summary>
    [StepOption("Only facts of this split ('all' for every split)")]
    public string Split { get; init; } = "all";

    /// <summary>Comma-separated relation ids to keep (default: all).</summary>
    [StepOption("Comma-separated relation ids to keep (default: all)")]
    public string? Relations { get; init; }

    /// <summary>At most this many facts per relation (0 = no cap).</summary>
    [StepOption("At most this many facts per relation (0 = no cap)")]
    public int MaxPerRelation { get; init; }

    /// <summary>At most this many facts overall, spread over the relations (0 = no cap).</summary>
    [StepOption("At most this many facts overall, spread over the relations (0 = no cap)")]
    public int MaxFacts { get; init; }

    /// <summary>Seed of the draw (default: the pipeline seed).</summary>
    [StepOption("Seed of the draw (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>Parquet file of the selection, relative to the output folder.</summary>
    [StepOption("Parquet file of the selection, relative to the output folder")]
    public string File { get; init; } = "selected_facts.parquet";
}
