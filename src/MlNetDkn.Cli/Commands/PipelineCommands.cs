using MlNetDkn.Cli.Commands.Pipelines;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands;

public static class PipelineCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<ApplyPipelineCommand>("apply")
            .WithDescription("Run a fitted ML.NET pipeline saved with mlContext.KnowledgeNeurons().Save on a fact dataset; write every output column as CSV");
        config.AddCommand<ReportCommand>("report")
            .WithDescription("Write report.md and a self-contained report.html of a run or sweep folder (every table and plot, beside the authors' numbers)")
            .WithExample("report", "runs/quickstart");
    }
}
