using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Robustness;

/// <summary>`dkn robustness r1|r2|r3|all`: the robustness experiments on a dataset.</summary>
public static class RobustnessCommands
{
    public static void Register(IConfigurator config)
    {
        config
            .AddCommand<RobustnessCommand>("robustness")
            .WithDescription(
                "The robustness experiments on a dataset: R1 suppression under perturbed queries, R2 enhancement "
                    + "on failed queries, R3 fact checking"
            )
            .WithExample(
                "robustness",
                "all",
                "--model",
                "runs/quickstart/model",
                "--data",
                "runs/quickstart/facts.parquet",
                "--out",
                "runs/robust",
                "--limit",
                "60"
            );
    }
}
