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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["facts"] = OptionSpec.Int(40, "Facts to update, spread over the relations"),
            ["seed"] = OptionSpec.Int(null, "Seed (default: the pipeline seed)"),
            ["file"] = OptionSpec.Text(
                "new_facts.parquet",
                "Parquet file of the updated facts, relative to the output folder"
            ),
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        if (o.GetInt("facts") < 1)
            yield return $"facts must be at least 1 (got {o.GetInt("facts")})";
    }

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var updates = FactUpdates.Draw(context.RequireDataset(Name), o.GetInt("facts"), o.GetInt("seed", context.Seed));
        var path = context.OutputPath(o.GetString("file"));
        updates.Write(path);
        context.RecordOutput("new_facts", path);
        context.Reporter.Info($"  {updates.Count} facts updated with a new answer -> {context.Relative(path)}");
        if (context.CurrentStep is { } entry)
            entry["results"] = new System.Text.Json.Nodes.JsonObject { ["updated_facts"] = updates.Count };
    }
}
