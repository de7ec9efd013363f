using System.ComponentModel;
using MlNetDkn.Facts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Datasets;

/// <summary>`dkn datasets show &lt;file.parquet&gt; [--rows N]`: a table of the first rows, then counts.</summary>
public sealed class ShowDatasetCommand : AsyncCommand<ShowDatasetCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<file>")]
        [Description("Fact dataset (Parquet)")]
        public string File { get; init; } = "";

        [CommandOption("-n|--rows <N>")]
        [Description("Rows to print. Default 10")]
        public int Rows { get; init; } = 10;
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken
    )
    {
        if (settings.Rows < 0)
            throw new DknInputException($"datasets show: --rows {settings.Rows} is negative (expected 0 or more)");
        var dataset = await FactDataset.ReadAsync(settings.File, cancellationToken);
        if (settings.Rows > 0)
            TableConsole().Write(FactTable.Build(dataset.Records.Take(settings.Rows)));
        FactCountsPrinter.Print(Console.Out, dataset, settings.File);
        return 0;
    }

    // A console on the current Console.Out (so redirection works); redirected output has no real width, and
    // Spectre would otherwise squeeze the table into 80 columns.
    static IAnsiConsole TableConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
            console.Profile.Width = 200;
        return console;
    }
}
