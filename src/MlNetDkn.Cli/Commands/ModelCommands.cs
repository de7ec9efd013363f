using MlNetDkn.Cli.Commands.Models;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

public static partial class ModelCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<InspectCommand>("inspect")
            .WithDescription("Next-token probabilities and MLP neuron sites of a model for one prompt")
            .WithExample("inspect", "--model", "../shared/golden/gpt2", "--tokens", "3,17,42", "--json", "--greedy", "6");
    }
}
