using System.ComponentModel;
using MlNetDkn.Metrics.Reports;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>`dkn report &lt;run folder&gt;`: report.md and a self-contained report.html of a finished (or partial)
/// run.</summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<folder>")]
        [Description("A run folder (manifest.json) or a sweep folder (sweep.json)")]
        public string Folder { get; init; } = "";

        [CommandOption("--quote <DOCUMENT>")]
        [Description(
            "Also refresh the block <!-- findings: FOLDER --> … <!-- /findings --> of this markdown document "
                + "with the run's findings (FOLDER as the document names it)"
        )]
        public string? Quote { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (md, html) = RunReport.Write(settings.Folder);
        Console.Out.WriteLine($"{md}\n{html}");
        if (settings.Quote is not { } document)
            return 0;
        if (!File.Exists(document))
            throw new DknInputException($"--quote: {document} does not exist");
        var run = Path.GetRelativePath(
            Path.GetDirectoryName(Path.GetFullPath(document))!,
            Path.GetFullPath(settings.Folder)
        );
        if (!QuotedFindings.Quote(document, run.Replace('\\', '/'), settings.Folder))
            throw new DknInputException(
                $"--quote: {document} has no block <!-- findings: {run} --> … <!-- /findings -->"
            );
        Console.Out.WriteLine($"{document}: findings of {run} quoted");
        return 0;
    }
}
