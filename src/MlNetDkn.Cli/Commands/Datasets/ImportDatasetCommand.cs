using System.ComponentModel;
using MlNetDkn.Facts.Importers;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Datasets;

/// <summary>`dkn datasets import &lt;format&gt; &lt;input folder&gt; &lt;output.parquet&gt;`.</summary>
public sealed class ImportDatasetCommand : AsyncCommand<ImportDatasetCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<format>")]
        [Description("pararel, dai, templama or rome")]
        public string Format { get; init; } = "";

        [CommandArgument(1, "<input>")]
        [Description("Folder with the raw files as published (see ../shared/datasets/README.md)")]
        public string Input { get; init; } = "";

        [CommandArgument(2, "<output>")]
        [Description("Parquet file to write")]
        public string Output { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken
    )
    {
        var importer = FactImporters.Get(settings.Format);
        if (!Directory.Exists(settings.Input))
            throw new DknInputException(
                $"{settings.Input}: input folder not found (expected the raw {importer.Format} files: "
                    + $"{importer.Description})"
            );
        var result = importer.Import(settings.Input);
        await result.Dataset.WriteAsync(settings.Output, cancellationToken);
        ImportReportPrinter.Print(Console.Out, result.Report, settings.Output, result.Dataset.ContentHash());
        return 0;
    }
}
