using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

public static partial class DatasetCommands
{
    public static void Register(IConfigurator config)
    {
    }
}
