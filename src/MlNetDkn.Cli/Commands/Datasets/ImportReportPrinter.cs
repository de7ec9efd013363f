using MlNetDkn.Facts.Importers;

namespace MlNetDkn.Cli.Commands.Datasets;

/// <summary>Prints an import's counts: facts, relations, splits, drops with their reasons, notes. Plain lines, never
/// wrapped, so logs stay greppable.</summary>
internal static class ImportReportPrinter
{
    public static void Print(TextWriter output, FactImportReport report, string path, string contentHash)
    {
        output.WriteLine(
            FormattableString.Invariant(
                $"{report.Format}: {report.Facts:N0} facts, {report.Relations} relations -> {path}"
            )
        );
        foreach (var (split, count) in report.FactsBySplit)
            output.WriteLine(FormattableString.Invariant($"  split {split}: {count:N0} facts"));
        foreach (var drop in report.Dropped)
            output.WriteLine(FormattableString.Invariant($"  dropped {drop.Count:N0} {drop.Unit}: {drop.Reason}"));
        if (report.Dropped.Count == 0)
            output.WriteLine("  dropped nothing");
        foreach (var note in report.Notes)
            output.WriteLine(FormattableString.Invariant($"  note: {note}"));
        output.WriteLine(FormattableString.Invariant($"  content sha256: {contentHash}"));
    }
}
