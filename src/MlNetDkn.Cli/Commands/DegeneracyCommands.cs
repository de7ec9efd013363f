using MlNetDkn.Cli.Commands.Degeneracy;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

public static class DegeneracyCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<DegenerateCommand>("degenerate")
            .WithDescription("Degenerate knowledge neurons: structural graph, clustering, functional check, degeneracy curve")
            .WithExample("degenerate", "--model", "../shared/golden/llama", "--tokens", "11,5,250", "--target-token", "200", "--preset", "dkn-authors", "--json");
    }
}
