using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>Pipelines: `dkn train` (one fact model), `run`, `merge`, `steps`, `apply` and `report`.</summary>
public static class PipelineCommands
{
    public static void Register(IConfigurator config)
    {
        config
            .AddCommand<TrainCommand>("train")
            .WithDescription("Train the built-in fact model on a fact dataset and save a Hugging Face folder.")
            .WithExample("train", "--data", "world.parquet", "--out", "models/world", "--epochs", "40");
        config
            .AddCommand<RunCommand>("run")
            .WithDescription(
                "Run a pipeline definition (JSON): dataset, training, evaluation, ... with a manifest of the run."
            )
            .WithExample("run", "pipelines/quickstart.json")
            .WithExample(
                "run",
                "pipelines/quickstart.json",
                "--set",
                "steps.train-fact-model.epochs=5",
                "--set",
                "seed=3"
            )
            .WithExample("run", "pipelines/robustness.json", "--shard", "0/4");
        config
            .AddCommand<MergeCommand>("merge")
            .WithDescription(
                "Join the shards (--shard i/n runs) under the output folder and write the tables of the whole run."
            )
            .WithExample("merge", "pipelines/robustness.json");
        config.AddCommand<StepsCommand>("steps").WithDescription("List the pipeline steps and their options.");
        config
            .AddCommand<ApplyPipelineCommand>("apply")
            .WithDescription(
                "Run a fitted ML.NET pipeline saved with mlContext.KnowledgeNeurons().Save on a fact dataset; "
                    + "write every output column as CSV"
            );
        config
            .AddCommand<ColumnsCommand>("columns")
            .WithDescription(
                "The column dictionary of every table the tool writes: name, type, meaning, unit or sign, sentinels"
            )
            .WithExample("columns", "--out", "docs/columns.md");
        config
            .AddCommand<ReportCommand>("report")
            .WithDescription(
                "Write report.md and a self-contained report.html of a run or sweep folder (every table and plot, "
                    + "beside the authors' numbers)"
            )
            .WithExample("report", "runs/quickstart");
    }
}
