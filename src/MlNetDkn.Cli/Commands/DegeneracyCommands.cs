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
        config.AddCommand<Robustness.RobustnessCommand>("robustness")
            .WithDescription("The robustness experiments on a dataset: R1 suppression under perturbed queries, R2 enhancement on failed queries, R3 fact checking")
            .WithExample("robustness", "all", "--model", "runs/quickstart/model", "--data", "runs/quickstart/facts.parquet", "--out", "runs/robust", "--limit", "60");
    }
}
