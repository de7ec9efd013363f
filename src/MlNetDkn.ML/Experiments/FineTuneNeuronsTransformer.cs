using System.Globalization;
using Microsoft.ML;
using MlNetDkn.Experiments.Evolvability;
using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Plots;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.ML.Experiments;

/// <summary>
/// The fitted E1/E2 stage. Columns: <c>e1_probability_&lt;variant&gt;</c>, the row's answer probability under each
/// saved fine-tuned model. Tables: every fine-tune (<c>e1_runs</c>), the summary over seeds (<c>e1_summary</c>),
/// the pools (<c>e1_pools</c>) and the E2 overlap (<c>e2_overlap</c>), a plot and a report section.
/// </summary>
public sealed class FineTuneNeuronsTransformer : FactStageTransformer<FineTunedFact>, IFactStage
{
    internal const string Name = "FineTuneNeurons",
        ArchiveKind = "fine-tune-neurons";

    readonly Dictionary<string, Lease<ModelSession>> _models;

    internal FineTuneNeuronsTransformer(
        FineTuneNeuronsStageOptions options,
        Lease<ModelSession> model,
        string modelHash,
        StageRuntime runtime
    )
        : this(options, model, modelHash, runtime, Saved(options)) { }

    FineTuneNeuronsTransformer(
        FineTuneNeuronsStageOptions options,
        Lease<ModelSession> model,
        string modelHash,
        StageRuntime runtime,
        Dictionary<string, Lease<ModelSession>> models
    )
        : base(Name, $"model {options.ModelPath}", [model, .. models.Values], runtime)
    {
        Options = options;
        ModelHash = modelHash;
        Tokenizer = model.Value.Tokenizer;
        _models = models;
    }

    static Dictionary<string, Lease<ModelSession>> Saved(FineTuneNeuronsStageOptions options) =>
        (options.Result?.Runs ?? [])
            .Where(r => r.ModelFolder is not null)
            .ToDictionary(r => r.Variant, r => SharedModels.Acquire(r.ModelFolder!, options.Load));

    /// <summary>The options, with the fine-tune results Fit produced in
    /// <see cref="FineTuneNeuronsStageOptions.Result"/>.</summary>
    public FineTuneNeuronsStageOptions Options { get; }

    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }
    ITextTokenizer Tokenizer { get; }
    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    /// <summary>Every fine-tune and the E2 overlap from Fit; throws <see cref="InvalidOperationException"/> on an
    /// unfitted stage.</summary>
    public EvolvabilityResult Outcome =>
        Options.Result ?? throw new InvalidOperationException($"{Name}: the stage was not fitted");

    internal static IReadOnlyList<OutputColumn<FineTunedFact>> Columns(FineTuneNeuronsStageOptions options) =>
        options
            .Evolvability.Variants.Select(EvolvabilityOptions.Name)
            .Select(v =>
                OutputColumns.Single<FineTunedFact>($"e1_probability_{v}", f =>
                    f.Probability.GetValueOrDefault(v, double.NaN)
                )
            )
            .ToList();

    private protected override IReadOnlyList<RequiredColumn> Inputs =>
        FactRowReader.Required(Name, Facts.FactColumns.Prompts);
    private protected override IReadOnlyList<OutputColumn<FineTunedFact>> Outputs => Columns(Options);

    private protected override Func<FineTunedFact> Bind(DataViewRow row)
    {
        var read = FactRowReader.Bind(row, Facts.FactColumns.Prompts);
        return () =>
        {
            var fact = read();
            return Result(FactRowReader.Key(fact), fact.FactId, () =>
            {
                var probabilities = new Dictionary<string, double>(StringComparer.Ordinal);
                var prompt = PromptEncoding.Prompt(Tokenizer, fact.Prompts[0]);
                var answer = PromptEncoding.Answer(Tokenizer, fact.Answer, Options.Evolvability.Answer);
                foreach (var (variant, model) in _models)
                    probabilities[variant] = PromptBatchProbe
                        .Score(model.Value.Model, [(prompt, answer)])[0]
                        .Probability;
                return (new FineTunedFact(fact.FactId, probabilities), false);
            });
        };
    }

    /// <summary>Per variant, the chosen learning rate's runs over seeds, with 95 % intervals over seeds.</summary>
    public IReadOnlyList<FineTuneSummaryRow> Summary() => FineTuneStatistics.Summary(Outcome);

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var result = Outcome;
        Results(input); // the per-fact columns, computed once
        var metadata = StageTables.Provenance(this, context, Options with { Result = null });
        var files = new List<string>();
        void Add((string Parquet, string Csv) p) => files.AddRange([p.Parquet, p.Csv]);
        Add(
            MetricTableRecords.WriteRecords(
                result
                    .Runs.Select(r => new
                    {
                        r.Variant,
                        r.LearningRate,
                        r.Seed,
                        Chosen = result.ChosenLearningRates.GetValueOrDefault(r.Variant) == r.LearningRate,
                        r.TrainableParameters,
                        r.OptimizerSteps,
                        r.FinalLoss,
                        ValidationAccuracy = r.Validation.Accuracy,
                        ValidationRetentionAccuracy = r.ValidationRetention.Accuracy,
                        Score = new LearningRateTrial(
                            r.LearningRate,
                            r.Validation.Accuracy,
                            r.ValidationRetention.Accuracy
                        ).Score(Options.Evolvability.RetentionWeight),
                        NewQueries = r.New.Queries,
                        NewAccuracy = r.New.Accuracy,
                        ParaphraseAccuracy = r.Paraphrases.Accuracy,
                        RetentionAccuracy = r.Retention.Accuracy,
                        NewProbability = r.New.MeanProbability,
                        ParaphraseProbability = r.Paraphrases.MeanProbability,
                        RetentionProbability = r.Retention.MeanProbability,
                        Model = r.ModelFolder ?? "",
                    })
                    .ToList(),
                folder,
                "e1_runs",
                metadata
            )
        );
        var summary = Summary();
        Add(MetricTableRecords.WriteRecords(summary, folder, "e1_summary", metadata));
        var contrasts = FineTuneStatistics.Contrasts(result, Options.Seed);
        Add(MetricTableRecords.WriteRecords(contrasts, folder, "e1_contrasts", metadata));
        // Per fact and run: the unit every E1 interval is taken over.
        Add(
            MetricTableRecords.WriteRecords(
                result
                    .Runs.SelectMany(r =>
                        FineTuneStatistics.QuerySets.SelectMany(q =>
                            q.Score(r)
                                .PerFact.Select(
                                    (v, f) =>
                                        new
                                        {
                                            r.Variant,
                                            r.LearningRate,
                                            r.Seed,
                                            Chosen = result.ChosenLearningRates.GetValueOrDefault(r.Variant)
                                                == r.LearningRate,
                                            QuerySet = q.Name,
                                            FactId = result.QueryFacts[q.Name][f],
                                            Accuracy = v,
                                        }
                                )
                        )
                    )
                    .ToList(),
                folder,
                "e1_facts",
                metadata
            )
        );
        Add(
            MetricTableRecords.WriteRecords(
                result
                    .Pools.Select(p => new
                    {
                        Pool = p.Key,
                        Neurons = p.Value.Length,
                        Layers = string.Join(";", p.Value.GroupBy(n => n.Layer).Select(g => $"{g.Key}:{g.Count()}")),
                        List = string.Join(";", p.Value),
                    })
                    .ToList(),
                folder,
                "e1_pools",
                metadata
            )
        );
        Add(MetricTableRecords.WriteRecords(result.Overlap, folder, "e2_overlap", metadata));
        files.Add(
            ConditionBarsPlot.Save(
                summary
                    .SelectMany(s =>
                        new[]
                        {
                            new BarValue(
                                "Q_new",
                                s.Variant,
                                100 * s.NewAccuracy,
                                100 * s.NewAccuracyCiLow,
                                100 * s.NewAccuracyCiHigh,
                                s.NewFacts
                            ),
                            new BarValue(
                                "Q_au",
                                s.Variant,
                                100 * s.ParaphraseAccuracy,
                                100 * s.ParaphraseAccuracyCiLow,
                                100 * s.ParaphraseAccuracyCiHigh,
                                s.ParaphraseFacts
                            ),
                            new BarValue(
                                "Q_old",
                                s.Variant,
                                100 * s.RetentionAccuracy,
                                100 * s.RetentionAccuracyCiLow,
                                100 * s.RetentionAccuracyCiHigh,
                                s.RetentionFacts
                            ),
                        }
                    )
                    .ToList(),
                "E1: fine-tuning only chosen neurons",
                "accuracy (%) over facts (seeds averaged), 95 % Wilson CI",
                Path.Combine(folder, "e1_accuracy.png")
            )
        );
        var report = Path.Combine(folder, "e1_report.md");
        File.WriteAllText(report, FineTuneReport.Markdown(result, summary, contrasts, Options.Evolvability));
        files.Add(report);
        var lines = summary
            .Select(s =>
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{s.Variant} ({s.TrainableParameters:N0} trainable, lr {s.LearningRate:G3}, {s.Seeds} seeds): "
                        + $"Q_new {100 * s.NewAccuracy:0.#} %, Q_au {100 * s.ParaphraseAccuracy:0.#} %, Q_old "
                        + $"{100 * s.RetentionAccuracy:0.#} %"
                )
            )
            .ToList();
        lines.AddRange(
            result
                .Overlap.Where(o =>
                    !o.Definition.StartsWith("top ", StringComparison.Ordinal) || o.Definition == "top k = set size"
                )
                .Select(o =>
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"E2 {o.Definition}: {o.Set} overlap {o.Overlap}/{o.SetSize} ({100 * o.Share:0.#} %, "
                            + $"expected {100 * o.Expected:0.#} %, {o.Direction}, two-sided p {o.PValue:G3})"
                    )
                )
        );
        lines.AddRange(result.Skipped.Select(s => $"{s.Key}: {s.Value}"));
        lines.AddRange(result.Notes);
        return new StageOutputs(
            files,
            StageTables.Summary(
                new
                {
                    result.UpdatedFacts,
                    Summary = summary,
                    Contrasts = contrasts,
                    result.Overlap,
                    result.Skipped,
                    result.Notes,
                },
                ("facts_computed", FactsComputed),
                ("facts_reused", FactsReused)
            ),
            lines
        );
    }
}
