using System.ComponentModel;
using MlNetDkn.Facts;
using MlNetDkn.Perturbation.Queries;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Datasets;

/// <summary>`dkn datasets perturb in.parquet out.parquet`: the perturb-queries step on a file.</summary>
public sealed class PerturbDatasetCommand : Command<PerturbDatasetCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<input>")]
        [Description("Fact Parquet file")]
        public string Input { get; init; } = "";

        [CommandArgument(1, "<output>")]
        [Description(
            "Parquet file to write (the facts with perturbed_prompts / perturbed_kinds); a CSV of every draw beside it"
        )]
        public string Output { get; init; } = "";

        [CommandOption("--preset <PRESET>")]
        [Description(
            "default (seeded per fact) or dkn-authors (replace/add/delete, Python random.seed(42) once per kind, "
                + "in file order)"
        )]
        public string Preset { get; init; } = "default";

        [CommandOption("--kinds <LIST>")]
        [Description("Comma-separated: replace, add, delete, replace-word, add-word, paraphrase")]
        public string? Kinds { get; init; }

        [CommandOption("--per-fact <N>")]
        [Description("Perturbations per fact and kind")]
        public int? PerFact { get; init; }

        [CommandOption("--seed <N>")]
        public int? Seed { get; init; }

        [CommandOption("--keep-existing")]
        [Description("Keep the perturbed prompts the file already has")]
        public bool KeepExisting { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = settings.Preset switch
        {
            "default" => new QueryPerturbationOptions(),
            "dkn-authors" => QueryPerturbationOptions.Authors,
            _ => throw new DknInputException(
                $"--preset: unknown preset '{settings.Preset}' (expected default or dkn-authors)"
            ),
        };
        if (settings.Kinds is not null)
            options = options with
            {
                Kinds = settings
                    .Kinds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(QueryPerturbationOptions.ParseKind)
                    .ToArray(),
            };
        if (settings.PerFact is int n)
            options = options with { PerFact = n };
        if (settings.Seed is int s)
            options = options with { Seed = s };
        var (dataset, drawn) = DatasetPerturbation.Apply(
            FactDataset.Read(settings.Input),
            options,
            settings.KeepExisting
        );
        dataset.Write(settings.Output);
        var csv = Path.ChangeExtension(settings.Output, null) + "_perturbations.csv";
        File.WriteAllLines(
            csv,
            new[] { "fact_id,kind,draw,word_index,word,replacement,hits_subject,changed,perturbed" }.Concat(
                drawn.Select(q =>
                    string.Join(
                        ",",
                        Metrics.CsvText.Quote(q.FactId),
                        QueryPerturbationOptions.KindName(q.Kind),
                        q.Draw,
                        q.WordIndex,
                        Metrics.CsvText.Quote(q.Word ?? ""),
                        Metrics.CsvText.Quote(q.Replacement ?? ""),
                        q.HitsSubject ? 1 : 0,
                        q.Changed ? 1 : 0,
                        Metrics.CsvText.Quote(q.Perturbed)
                    )
                )
            )
        );
        Console.Out.WriteLine(
            $"{settings.Output}: {dataset.Count} facts, {drawn.Count} perturbed queries "
                + $"({drawn.Count(q => q.Changed)} changed, "
                + $"{drawn.Count(q => q.HitsSubject)} hit the subject); every draw -> {csv}"
        );
        return 0;
    }
}
