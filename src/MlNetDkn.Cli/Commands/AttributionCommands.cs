using MlNetDkn.Cli.Commands.Attribution;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

public static class AttributionCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<AttributeCommand>("attribute")
            .WithDescription("Integrated gradients over MLP neurons for one prompt or a fact dataset")
            .WithExample("attribute", "--model", "../shared/golden/gpt2", "--tokens", "3,17,42", "--target-token", "7", "--preset", "eleuther", "--json");
    }
}
