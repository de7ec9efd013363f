using MlNetDkn.Experiments.Evolvability;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>
/// `update-facts`: draws counterfactual updates of the run's facts (same subject and prompts, one of the fact's
/// stored wrong answers as the new answer), stratified over relations and seeded, into a Parquet file the
/// fine-tune-neurons step learns. The run's dataset stays the old facts.
/// </summary>
public sealed class UpdateFactsStep : ISourceStep
{
    /// <inheritdoc/>
    public string Name => "update-facts";

    /// <inheritdoc/>
    public string Description =>
        "Draw counterfactual updates of facts (a new answer each) for the evolvability experiment.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<UpdateFactsSettings>();

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        var s = StepSettings.Bind<UpdateFactsSettings>(o);
        if (s.Facts < 1)
            yield return $"facts must be at least 1 (got {s.Facts})";
    }

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var s = StepSettings.Bind<UpdateFactsSettings>(o);
        var updates = FactUpdates.Draw(context.RequireDataset(Name), s.Facts, s.Seed ?? context.Seed);
        var path = context.OutputPath(s.File);
        updates.Write(path);
        context.RecordOutput("new_facts", path);
        context.Reporter.Info($"  {updates.Count} facts updated with a new answer -> {context.Relative(path)}");
        if (context.CurrentStep is { } entry)
            entry["results"] = new System.Text.Json.Nodes.JsonObject { ["updated_facts"] = updates.Count };
    }
}

/// <summary>The options of <see cref="UpdateFactsStep"/>.</summary>
public sealed record UpdateFactsSettings
{
    /// <summary>Facts to update, spread over the relations.</summary>
    [StepOption("Facts to update, spread over the relations")]
    public int Facts { get; init; } = 40;

    /// <summary>Seed (default: the pipeline seed).</summary>
    [StepOption("Seed (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>Parquet file of the updated facts, relative to the output folder.</summary>
    [StepOption("Parquet file of the updated facts, relative to the output folder")]
    public string File { get; init; } = "new_facts.parquet";
}
