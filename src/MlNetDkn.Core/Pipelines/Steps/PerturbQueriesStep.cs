using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Tables;
using MlNetDkn.Perturbation.Queries;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>
/// `perturb-queries`: draws perturbed versions of every fact's clean query (the authors' replace / add / delete with
/// literal markers, real-word replacements and insertions, paraphrases) into the dataset's perturbed_prompts and
/// perturbed_kinds, and writes every draw with the word hit and whether it was the subject. The R1 and R2 stages
/// read them from there (as they read perturbations a dataset brings).
/// </summary>
public sealed class PerturbQueriesStep : IPreviewableSource
{
    /// <inheritdoc/>
    public string Name => "perturb-queries";

    /// <inheritdoc/>
    public string Description =>
        "Draw perturbed queries (authors' replace/add/delete, real words, paraphrases) into the dataset.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.Dataset];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<PerturbQueriesSettings>();

    /// <summary>The perturbation options the step's options describe: the preset, then kinds, per_fact and seed when
    /// set; without a seed option, <paramref name="pipelineSeed"/> (the dkn-authors preset
    /// keeps its seed 42).</summary>
    public static QueryPerturbationOptions ToOptions(PerturbQueriesSettings s, int pipelineSeed)
    {
        bool authors = s.Preset == "dkn-authors";
        var options = authors ? QueryPerturbationOptions.Authors : new QueryPerturbationOptions { Seed = pipelineSeed };
        if (s.Kinds is string kinds)
            options = options with
            {
                Kinds = kinds
                    .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(QueryPerturbationOptions.ParseKind)
                    .ToArray(),
            };
        if (s.PerFact is int n)
            options = options with { PerFact = n };
        if (s.Seed is int seed)
            options = options with { Seed = seed };
        return options;
    }

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(StepSettings.Bind<PerturbQueriesSettings>(o), 0).Validate();
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    /// <summary>Perturbed queries go to their own column: the facts, prompts and answers the stages check
    /// stay.</summary>
    public void Preview(SourcePreview preview, ResolvedOptions o) { }

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var s = StepSettings.Bind<PerturbQueriesSettings>(o);
        var options = ToOptions(s, context.Seed);
        var (dataset, drawn) = DatasetPerturbation.Apply(context.RequireDataset(Name), options, s.KeepExisting);
        var path = context.OutputPath(s.File);
        dataset.Write(path);
        context.SetDataset(dataset, path);
        context.RecordOutput("dataset", path);
        var rows = drawn
            .Select(
                (q, i) =>
                    new PerturbationRow
                    {
                        FactId = q.FactId,
                        RelationId = dataset.Records.First(r => r.FactId == q.FactId).RelationId,
                        Index = q.Draw,
                        Kind = QueryPerturbationOptions.KindName(q.Kind),
                        Clean = q.Clean,
                        Perturbed = q.Perturbed,
                        WordIndex = q.WordIndex,
                        Word = q.Word,
                        Replacement = q.Replacement,
                        HitsSubject = q.HitsSubject,
                        Changed = q.Changed,
                    }
            )
            .ToList();
        var (_, csv) = MetricTableRecords.WriteRecords(
            rows,
            context.OutputFolder,
            "drawn_perturbations",
            new Dictionary<string, string> { ["mlnetdkn.perturbation"] = OptionsJson.Canonical(options) }
        );
        context.RecordOutput("perturbations", csv);
        int changed = drawn.Count(q => q.Changed),
            subject = drawn.Count(q => q.HitsSubject);
        context.Reporter.Info(
            $"  {drawn.Count:N0} perturbed queries "
                + $"({string.Join(", ", options.Kinds.Select(QueryPerturbationOptions.KindName))}; "
                + $"{changed:N0} changed, {subject:N0} hit the subject) -> {context.Relative(path)}, "
                + $"{context.Relative(csv)}"
        );
        if (context.CurrentStep is { } entry)
            entry["results"] = new System.Text.Json.Nodes.JsonObject
            {
                ["perturbations"] = drawn.Count,
                ["changed"] = changed,
                ["hit_subject"] = subject,
            };
    }
}

/// <summary>The options of <see cref="PerturbQueriesStep"/>.</summary>
public sealed record PerturbQueriesSettings
{
    /// <summary>default (seeded per fact, five kinds, 3 each) or dkn-authors (replace/add/delete, one each, Python
    /// random.seed(42) once per kind, in dataset order).</summary>
    [StepOption(
        "default (seeded per fact, five kinds, 3 each) or dkn-authors (replace/add/delete, one each, "
            + "Python random.seed(42) once per kind, in dataset order)",
        "default",
        "dkn-authors"
    )]
    public string Preset { get; init; } = "default";

    /// <summary>Comma-separated: replace, add, delete, replace-word, add-word, paraphrase (default: the
    /// preset's).</summary>
    [StepOption("Comma-separated: replace, add, delete, replace-word, add-word, paraphrase (default: the preset's)")]
    public string? Kinds { get; init; }

    /// <summary>Perturbations per fact and kind (default: the preset's).</summary>
    [StepOption("Perturbations per fact and kind (default: the preset's)")]
    public int? PerFact { get; init; }

    /// <summary>Seed (default: 42 for dkn-authors, the pipeline seed otherwise).</summary>
    [StepOption("Seed (default: 42 for dkn-authors, the pipeline seed otherwise)")]
    public int? Seed { get; init; }

    /// <summary>Keep the perturbed prompts the dataset already has.</summary>
    [StepOption("Keep the perturbed prompts the dataset already has")]
    public bool KeepExisting { get; init; }

    /// <summary>Parquet file of the perturbed dataset, relative to the output folder.</summary>
    [StepOption("Parquet file of the perturbed dataset, relative to the output folder")]
    public string File { get; init; } = "perturbed_facts.parquet";
}
