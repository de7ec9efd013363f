using System.ComponentModel;
using MlNetDkn.Facts.Synthetic;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Datasets;

/// <summary>`dkn datasets synth --out world.parquet [--seed 7] [--entities 200] ...`.</summary>
public sealed class SynthDatasetCommand : AsyncCommand<SynthDatasetCommand.Settings>
{
    static readonly SyntheticWorldOptions Defaults = new();

    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <PATH>")]
        [Description("Parquet file to write (required)")]
        public string? Out { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Random seed; the same options and seed give byte-identical files. Default 7")]
        public int Seed { get; init; } = Defaults.Seed;

        [CommandOption("--entities <N>")]
        [Description("Number of subjects. Default 200")]
        public int Entities { get; init; } = Defaults.Entities;

        [CommandOption("--relations <N>")]
        [Description("Relations taken from the built-in catalog (1-8). Default 4")]
        public int Relations { get; init; } = Defaults.Relations;

        [CommandOption("--templates <N>")]
        [Description("Training paraphrases per relation. Default 4")]
        public int Templates { get; init; } = Defaults.TemplatesPerRelation;

        [CommandOption("--heldout-templates <N>")]
        [Description("Held-out paraphrases per relation (never in prompts). Default 2")]
        public int HeldoutTemplates { get; init; } = Defaults.HeldoutTemplatesPerRelation;

        [CommandOption("--answers <N>")]
        [Description("Answer set size per relation. Default 12")]
        public int Answers { get; init; } = Defaults.AnswersPerRelation;

        [CommandOption("--false-answers <N>")]
        [Description("Wrong answers stored per fact. Default 3")]
        public int FalseAnswers { get; init; } = Defaults.FalseAnswersPerFact;

        [CommandOption("--dated")]
        [Description("One fact per year; prompts start with \"in {year}\"; answers may change between years")]
        public bool Dated { get; init; }

        [CommandOption("--first-year <YEAR>")]
        [Description("First year of dated facts. Default 2010")]
        public int FirstYear { get; init; } = Defaults.FirstYear;

        [CommandOption("--years <N>")]
        [Description("Number of years of dated facts. Default 3")]
        public int Years { get; init; } = Defaults.Years;

        public SyntheticWorldOptions ToOptions() =>
            Defaults with
            {
                Seed = Seed,
                Entities = Entities,
                Relations = Relations,
                TemplatesPerRelation = Templates,
                HeldoutTemplatesPerRelation = HeldoutTemplates,
                AnswersPerRelation = Answers,
                FalseAnswersPerFact = FalseAnswers,
                DatedFacts = Dated,
                FirstYear = FirstYear,
                Years = Years,
            };
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken
    )
    {
        if (string.IsNullOrWhiteSpace(settings.Out))
            throw new DknInputException("datasets synth: missing --out (expected the Parquet file to write)");
        var dataset = SyntheticWorldGenerator.Generate(settings.ToOptions());
        await dataset.WriteAsync(settings.Out, cancellationToken);
        var prompts = dataset.Records.Sum(r => r.Prompts.Count);
        var heldout = dataset.Records.Sum(r => r.HeldoutPrompts.Count);
        Console.Out.WriteLine(
            string.Concat(
                FormattableString.Invariant(
                    $"synthetic: {dataset.Count:N0} facts, {dataset.Relations.Count()} relations, {prompts:N0} "
                ),
                FormattableString.Invariant($"training prompts, {heldout:N0} held-out prompts -> {settings.Out}")
            )
        );
        Console.Out.WriteLine($"  content sha256: {dataset.ContentHash()}");
        return 0;
    }
}
