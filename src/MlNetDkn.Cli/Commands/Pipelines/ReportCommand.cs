using System.ComponentModel;
using MlNetDkn.Metrics.Reports;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>`dkn report &lt;run folder&gt;`: report.md and a self-contained report.html of a finished (or partial) run.</summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<folder>")]
        [Description("A run folder (manifest.json) or a sweep folder (sweep.json)")]
        public string Folder { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (md, html) = RunReport.Write(settings.Folder);
        Console.Out.WriteLine($"{md}\n{html}");
        return 0;
    }
}
