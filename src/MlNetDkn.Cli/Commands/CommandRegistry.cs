using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

/// <summary>Registers every verb. Each area of the flow keeps its verbs in its own folder and Register method.</summary>
public static class CommandRegistry
{
    public static void RegisterAll(IConfigurator config)
    {
        ModelCommands.Register(config);
        DatasetCommands.Register(config);
        TrainCommands.Register(config);
        AttributionCommands.Register(config);
        DegeneracyCommands.Register(config);
        PipelineCommands.Register(config);
    }
}
