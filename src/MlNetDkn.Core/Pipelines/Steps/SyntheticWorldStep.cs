using MlNetDkn.Facts.Synthetic;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>`synthetic-world`: generates the seeded synthetic fact world and writes it as the run's dataset.</summary>
public sealed class SyntheticWorldStep : ISourceStep
{
    static readonly SyntheticWorldOptions D = new();

    /// <inheritdoc/>
    public string Name => "synthetic-world";

    /// <inheritdoc/>
    public string Description => "Generate a seeded synthetic fact world and write it to the output folder (Parquet).";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.Dataset];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<SyntheticWorldSettings>();

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(StepSettings.Bind<SyntheticWorldSettings>(o), 0).Validate();
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    static SyntheticWorldOptions ToOptions(SyntheticWorldSettings s, int pipelineSeed) =>
        D with
        {
            Seed = s.Seed ?? pipelineSeed,
            Entities = s.Entities,
            Relations = s.Relations,
            TemplatesPerRelation = s.Templates,
            HeldoutTemplatesPerRelation = s.HeldoutTemplates,
            AnswersPerRelation = s.Answers,
            FalseAnswersPerFact = s.FalseAnswers,
            DatedFacts = s.Dated,
            FirstYear = s.FirstYear,
            Years = s.Years,
            AnswerChangeProbability = s.ChangeProbability,
            SubjectLast = s.SubjectLast,
        };

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var s = StepSettings.Bind<SyntheticWorldSettings>(o);
        var options = ToOptions(s, context.Seed);
        var dataset = SyntheticWorldGenerator.Generate(options);
        var path = context.OutputPath(s.File);
        dataset.Write(path);
        context.SetDataset(dataset, path);
        context.RecordOutput("dataset", path);
        context.Reporter.Info(
            $"  {dataset.Count:N0} facts, {dataset.Records.Sum(r => r.Prompts.Count):N0} training prompts, "
                + $"{dataset.Records.Sum(r => r.HeldoutPrompts.Count):N0} held-out prompts -> {context.Relative(path)}"
        );
    }
}

/// <summary>The options of <see cref="SyntheticWorldStep"/>; the defaults are
/// <see cref="SyntheticWorldOptions"/>'s.</summary>
public sealed record SyntheticWorldSettings
{
    static readonly SyntheticWorldOptions D = new();

    /// <summary>World seed (default: the pipeline seed).</summary>
    [StepOption("World seed (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>Number of subjects.</summary>
    [StepOption("Number of subjects")]
    public int Entities { get; init; } = D.Entities;

    /// <summary>Relations taken from the built-in catalog (1-8).</summary>
    [StepOption("Relations taken from the built-in catalog (1-8)")]
    public int Relations { get; init; } = D.Relations;

    /// <summary>Training paraphrases per relation.</summary>
    [StepOption("Training paraphrases per relation")]
    public int Templates { get; init; } = D.TemplatesPerRelation;

    /// <summary>Held-out paraphrases per relation.</summary>
    [StepOption("Held-out paraphrases per relation")]
    public int HeldoutTemplates { get; init; } = D.HeldoutTemplatesPerRelation;

    /// <summary>Answer set size per relation.</summary>
    [StepOption("Answer set size per relation")]
    public int Answers { get; init; } = D.AnswersPerRelation;

    /// <summary>Wrong answers stored per fact.</summary>
    [StepOption("Wrong answers stored per fact")]
    public int FalseAnswers { get; init; } = D.FalseAnswersPerFact;

    /// <summary>One fact per year; answers may change between years.</summary>
    [StepOption("One fact per year; answers may change between years")]
    public bool Dated { get; init; } = D.DatedFacts;

    /// <summary>First year of dated facts.</summary>
    [StepOption("First year of dated facts")]
    public int FirstYear { get; init; } = D.FirstYear;

    /// <summary>Years of dated facts.</summary>
    [StepOption("Years of dated facts")]
    public int Years { get; init; } = D.Years;

    /// <summary>Chance a dated answer changes from one year to the next.</summary>
    [StepOption("Chance a dated answer changes from one year to the next")]
    public double ChangeProbability { get; init; } = D.AnswerChangeProbability;

    /// <summary>End every prompt with the subject (the answer is then looked up at the last position).</summary>
    [StepOption("End every prompt with the subject (the answer is then looked up at the last position)")]
    public bool SubjectLast { get; init; } = D.SubjectLast;

    /// <summary>Parquet file to write, relative to the output folder.</summary>
    [StepOption("Parquet file to write, relative to the output folder")]
    public string File { get; init; } = "facts.parquet";
}
