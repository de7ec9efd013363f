using MlNetDkn.Cli.Commands.Pipelines;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

/// <summary>`dkn train` (one fact model) and `dkn run` (a pipeline definition).</summary>
public static class TrainCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<TrainCommand>("train")
            .WithDescription("Train the built-in fact model on a fact dataset and save a Hugging Face folder.")
            .WithExample("train", "--data", "world.parquet", "--out", "models/world", "--epochs", "40");
        config.AddCommand<RunCommand>("run")
            .WithDescription("Run a pipeline definition (JSON): dataset, training, evaluation, ... with a manifest of the run.")
            .WithExample("run", "pipelines/quickstart.json")
            .WithExample("run", "pipelines/quickstart.json", "--set", "steps.train-fact-model.epochs=5", "--set", "seed=3")
            .WithExample("run", "pipelines/robustness.json", "--shard", "0/4");
        config.AddCommand<Pipelines.MergeCommand>("merge")
            .WithDescription("Join the shards (--shard i/n runs) under the output folder and write the tables of the whole run.")
            .WithExample("merge", "pipelines/robustness.json");
        config.AddCommand<StepsCommand>("steps")
            .WithDescription("List the pipeline steps and their options.");
    }
}
