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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["seed"] = OptionSpec.Int(null, "World seed (default: the pipeline seed)"),
            ["entities"] = OptionSpec.Int(D.Entities, "Number of subjects"),
            ["relations"] = OptionSpec.Int(D.Relations, "Relations taken from the built-in catalog (1-8)"),
            ["templates"] = OptionSpec.Int(D.TemplatesPerRelation, "Training paraphrases per relation"),
            ["heldout_templates"] = OptionSpec.Int(D.HeldoutTemplatesPerRelation, "Held-out paraphrases per relation"),
            ["answers"] = OptionSpec.Int(D.AnswersPerRelation, "Answer set size per relation"),
            ["false_answers"] = OptionSpec.Int(D.FalseAnswersPerFact, "Wrong answers stored per fact"),
            ["dated"] = OptionSpec.Bool(D.DatedFacts, "One fact per year; answers may change between years"),
            ["first_year"] = OptionSpec.Int(D.FirstYear, "First year of dated facts"),
            ["years"] = OptionSpec.Int(D.Years, "Years of dated facts"),
            ["change_probability"] = OptionSpec.Number(
                D.AnswerChangeProbability,
                "Chance a dated answer changes from one year to the next"
            ),
            ["subject_last"] = OptionSpec.Bool(
                D.SubjectLast,
                "End every prompt with the subject (the answer is then looked up at the last position)"
            ),
            ["file"] = OptionSpec.Text("facts.parquet", "Parquet file to write, relative to the output folder"),
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(o, 0).Validate();
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    static SyntheticWorldOptions ToOptions(ResolvedOptions o, int pipelineSeed) =>
        D with
        {
            Seed = o.GetInt("seed", pipelineSeed),
            Entities = o.GetInt("entities"),
            Relations = o.GetInt("relations"),
            TemplatesPerRelation = o.GetInt("templates"),
            HeldoutTemplatesPerRelation = o.GetInt("heldout_templates"),
            AnswersPerRelation = o.GetInt("answers"),
            FalseAnswersPerFact = o.GetInt("false_answers"),
            DatedFacts = o.GetBool("dated"),
            FirstYear = o.GetInt("first_year"),
            Years = o.GetInt("years"),
            AnswerChangeProbability = o.GetDouble("change_probability"),
            SubjectLast = o.GetBool("subject_last"),
        };

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var options = D with
        {
            Seed = o.GetInt("seed", context.Seed),
            Entities = o.GetInt("entities"),
            Relations = o.GetInt("relations"),
            TemplatesPerRelation = o.GetInt("templates"),
            HeldoutTemplatesPerRelation = o.GetInt("heldout_templates"),
            AnswersPerRelation = o.GetInt("answers"),
            FalseAnswersPerFact = o.GetInt("false_answers"),
            DatedFacts = o.GetBool("dated"),
            FirstYear = o.GetInt("first_year"),
            Years = o.GetInt("years"),
            AnswerChangeProbability = o.GetDouble("change_probability"),
            SubjectLast = o.GetBool("subject_last"),
        };
        var dataset = SyntheticWorldGenerator.Generate(options);
        var path = context.OutputPath(o.GetString("file"));
        dataset.Write(path);
        context.SetDataset(dataset, path);
        context.RecordOutput("dataset", path);
        context.Reporter.Info(
            $"  {dataset.Count:N0} facts, {dataset.Records.Sum(r => r.Prompts.Count):N0} training prompts, "
                + $"{dataset.Records.Sum(r => r.HeldoutPrompts.Count):N0} held-out prompts -> {context.Relative(path)}"
        );
    }
}
