using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

/// <summary>Registers every verb: each folder registers its own verbs (its *Commands.cs).</summary>
public static class CommandRegistry
{
    public static void RegisterAll(IConfigurator config)
    {
        Models.ModelCommands.Register(config);
        Datasets.DatasetCommands.Register(config);
        Pipelines.PipelineCommands.Register(config);
        Attribution.AttributionCommands.Register(config);
        Degeneracy.DegeneracyCommands.Register(config);
        Robustness.RobustnessCommands.Register(config);
    }
}
