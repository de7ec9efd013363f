using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Degeneracy;

/// <summary>`dkn degenerate`: DKNs of one prompt or of every fact of a dataset.</summary>
public static class DegeneracyCommands
{
    public static void Register(IConfigurator config)
    {
        config
            .AddCommand<DegenerateCommand>("degenerate")
            .WithDescription(
                "Degenerate knowledge neurons: structural graph, clustering, functional check, degeneracy curve"
            )
            .WithExample(
                "degenerate",
                "--model",
                "../shared/golden/llama",
                "--tokens",
                "11,5,250",
                "--target-token",
                "200",
                "--preset",
                "dkn-authors",
                "--json"
            );
    }
}
