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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["split"] = OptionSpec.Text("all", "Only facts of this split ('all' for every split)"),
            ["relations"] = OptionSpec.Text(null, "Comma-separated relation ids to keep (default: all)"),
            ["max_per_relation"] = OptionSpec.Int(0, "At most this many facts per relation (0 = no cap)"),
            ["max_facts"] = OptionSpec.Int(
                0,
                "At most this many facts overall, spread over the relations (0 = no cap)"
            ),
            ["seed"] = OptionSpec.Int(null, "Seed of the draw (default: the pipeline seed)"),
            ["file"] = OptionSpec.Text(
                "selected_facts.parquet",
                "Parquet file of the selection, relative to the output folder"
            ),
        };

    /// <summary>The fact selection the step's options describe; the seed falls back to
    /// <paramref name="pipelineSeed"/>.</summary>
    public static FactSelection ToSelection(ResolvedOptions o, int pipelineSeed) =>
        new()
        {
            Split = o.GetString("split"),
            Relations = o.GetStringOrNull("relations")
                ?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            MaxPerRelation = o.GetInt("max_per_relation"),
            MaxFacts = o.GetInt("max_facts"),
            Seed = o.GetInt("seed", pipelineSeed),
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToSelection(o, 0).Validate();
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
            preview.Dataset = new FactDataset(ToSelection(o, preview.Seed).Apply(dataset), "selection");
    }

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var dataset = context.RequireDataset(Name);
        var selection = ToSelection(o, context.Seed);
        var kept = selection.Apply(dataset);
        if (kept.Count == 0)
            throw new DknInputException(
                $"step {Name}: no facts left after selecting {selection} from {dataset.Count} facts "
                    + $"(splits: {string.Join(", ", dataset.Records.Select(r => r.Split).Distinct())}; relations: "
                    + $"{string.Join(", ", dataset.Relations)})"
            );
        var selected = new FactDataset(kept, "selection");
        var path = context.OutputPath(o.GetString("file"));
        selected.Write(path);
        context.SetDataset(selected, path);
        context.RecordOutput("dataset", path);
        context.Reporter.Info(
            $"  {selected.Count:N0} of {dataset.Count:N0} facts ({selection}) -> {context.Relative(path)}"
        );
    }
}
