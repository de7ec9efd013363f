using System.Text.Json.Nodes;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Pipelines.Steps;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>
/// The dataset modes of `dkn attribute` and `dkn degenerate` are pipelines written for the user: load the facts and
/// the model, then the stage steps. They run through the same runner as `dkn run`, so a verb and the equivalent
/// pipeline file give the same tables, stores, re-checks and provenance (and a pipeline.zip to apply elsewhere).
/// </summary>
internal static class DatasetPipeline
{
    /// <param name="quiet">Progress and messages go to stderr (stdout carries JSON).</param>
    public static PipelineRunResult Run(
        string name,
        string data,
        string model,
        int limit,
        int seed,
        string output,
        IEnumerable<(string Step, JsonObject Options)> stages,
        RunSettings load,
        bool quiet,
        CancellationToken cancellationToken
    )
    {
        var steps = new JsonArray
        {
            new JsonObject
            {
                ["step"] = "load-facts",
                ["options"] = StepSettings.ToJson(new LoadFactsSettings { Path = Path.GetFullPath(data) }, s => s.Path),
            },
        };
        if (limit > 0)
            steps.Add(
                new JsonObject
                {
                    ["step"] = "select-facts",
                    ["options"] = StepSettings.ToJson(new SelectFactsSettings { MaxFacts = limit }, s => s.MaxFacts),
                }
            );
        steps.Add(
            new JsonObject
            {
                ["step"] = "load-model",
                ["options"] = StepSettings.ToJson(new LoadModelSettings { Path = Path.GetFullPath(model) }, s =>
                    s.Path
                ),
            }
        );
        foreach (var (step, options) in stages)
            steps.Add(new JsonObject { ["step"] = step, ["options"] = options });
        var json = new JsonObject
        {
            ["name"] = name,
            ["seed"] = seed,
            ["output"] = Path.GetFullPath(output),
            ["steps"] = steps,
        };
        var registry = PipelineSteps.CreateRegistry();
        var definition = load.Apply(PipelineDefinition.FromJson(json, $"dkn {name}"));
        var pipeline = PipelineValidator.Validate(definition, registry);
        IPipelineReporter reporter = quiet ? new TextPipelineReporter(Console.Error) : new ConsoleReporter();
        return PipelineRunner.Run(
            pipeline,
            new PipelineRunOptions { Shard = load.ResolveShard(), MergeShards = load.MergeShards },
            reporter,
            cancellationToken
        );
    }
}
