using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Models;

/// <summary>`dkn inspect`: a model's next-token probabilities, MLP sites and greedy tokens.</summary>
public static class ModelCommands
{
    public static void Register(IConfigurator config)
    {
        config
            .AddCommand<InspectCommand>("inspect")
            .WithDescription("Next-token probabilities and MLP neuron sites of a model for one prompt")
            .WithExample(
                "inspect",
                "--model",
                "../shared/golden/gpt2",
                "--tokens",
                "3,17,42",
                "--json",
                "--greedy",
                "6"
            );
    }
}
