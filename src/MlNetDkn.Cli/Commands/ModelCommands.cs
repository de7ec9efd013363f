using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

public static partial class ModelCommands
{
    public static void Register(IConfigurator config)
    {
    }
}
