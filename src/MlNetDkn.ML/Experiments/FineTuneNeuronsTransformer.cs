using System.Globalization;
using System.Text;
using Microsoft.ML;
using MlNetDkn.Experiments.Evolvability;
using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Plots;
using MlNetDkn.Metrics.Reports;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.ML.Experiments;

/// <summary>One fact under every saved fine-tuned model: its answer probability (retention of the old fact, or the
/// old answer's probability after an update of it).</summary>
public sealed record FineTunedFact(string FactId, Dictionary<string, double> Probability);

/// <summary>Over seeds, one variant's fine-tunes at its chosen learning rate.</summary>
public sealed record FineTuneSummaryRow
{
    public required string Variant { get; init; }
    public double LearningRate { get; init; }
    public long TrainableParameters { get; init; }
    public int Seeds { get; init; }
    public double NewAccuracy { get; init; }
    public double NewAccuracyCiLow { get; init; }
    public double NewAccuracyCiHigh { get; init; }
    public double ParaphraseAccuracy { get; init; }
    public double ParaphraseAccuracyCiLow { get; init; }
    public double ParaphraseAccuracyCiHigh { get; init; }
    public double RetentionAccuracy { get; init; }
    public double RetentionAccuracyCiLow { get; init; }
    public double RetentionAccuracyCiHigh { get; init; }
    public double NewProbability { get; init; }
    public double ParaphraseProbability { get; init; }
    public double RetentionProbability { get; init; }
}

/// <summary>
/// The fitted E1/E2 stage. Columns: <c>e1_probability_&lt;variant&gt;</c>, the row's answer probability under each
/// saved fine-tuned model. Tables: every fine-tune (<c>e1_runs</c>), the summary over seeds (<c>e1_summary</c>),
/// the pools (<c>e1_pools</c>) and the E2 overlap (<c>e2_overlap</c>), a plot and a report section.
/// </summary>
public sealed class FineTuneNeuronsTransformer : FactStageTransformer<FineTunedFact>, IFactStage
{
    internal const string Name = "FineTuneNeurons", ArchiveKind = "fine-tune-neurons";

    readonly Dictionary<string, Lease<ModelSession>> _models;

    internal FineTuneNeuronsTransformer(FineTuneNeuronsStageOptions options, Lease<ModelSession> model, string modelHash, StageRuntime runtime)
        : this(options, model, modelHash, runtime, Saved(options)) { }

    FineTuneNeuronsTransformer(FineTuneNeuronsStageOptions options, Lease<ModelSession> model, string modelHash, StageRuntime runtime,
        Dictionary<string, Lease<ModelSession>> models)
        : base(Name, $"model {options.ModelPath}", [model, .. models.Values], runtime)
    {
        Options = options;
        ModelHash = modelHash;
        Tokenizer = model.Value.Tokenizer;
        _models = models;
    }

    static Dictionary<string, Lease<ModelSession>> Saved(FineTuneNeuronsStageOptions options) =>
        (options.Result?.Runs ?? []).Where(r => r.ModelFolder is not null)
            .ToDictionary(r => r.Variant, r => SharedModels.Acquire(r.ModelFolder!, options.Load));

    public FineTuneNeuronsStageOptions Options { get; }
    public string ModelHash { get; }
    ITextTokenizer Tokenizer { get; }
    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;
    public EvolvabilityResult Outcome => Options.Result ?? throw new InvalidOperationException($"{Name}: the stage was not fitted");

    internal static IReadOnlyList<OutputColumn<FineTunedFact>> Columns(FineTuneNeuronsStageOptions options) =>
        options.Evolvability.Variants.Select(EvolvabilityOptions.Name)
            .Select(v => OutputColumns.Single<FineTunedFact>($"e1_probability_{v}", f => f.Probability.GetValueOrDefault(v, double.NaN))).ToList();

    private protected override IReadOnlyList<RequiredColumn> Inputs => FactRowReader.Required(Name, Facts.FactColumns.Prompts);
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
                    probabilities[variant] = PromptBatchProbe.Score(model.Value.Model, [(prompt, answer)])[0].Probability;
                return (new FineTunedFact(fact.FactId, probabilities), false);
            });
        };
    }

    /// <summary>Per variant, the chosen learning rate's runs over seeds, with 95 % intervals over seeds.</summary>
    public IReadOnlyList<FineTuneSummaryRow> Summary()
    {
        var result = Outcome;
        return result.ChosenLearningRates.Select(kv =>
        {
            var runs = result.Runs.Where(r => r.Variant == kv.Key && r.LearningRate == kv.Value).ToList();
            var (n, p, r) = (Distribution.Of(runs.Select(x => x.New.Accuracy)), Distribution.Of(runs.Select(x => x.Paraphrases.Accuracy)), Distribution.Of(runs.Select(x => x.Retention.Accuracy)));
            return new FineTuneSummaryRow
            {
                Variant = kv.Key, LearningRate = kv.Value, TrainableParameters = runs.First().TrainableParameters, Seeds = runs.Count,
                NewAccuracy = n.Mean, NewAccuracyCiLow = n.CiLow, NewAccuracyCiHigh = n.CiHigh,
                ParaphraseAccuracy = p.Mean, ParaphraseAccuracyCiLow = p.CiLow, ParaphraseAccuracyCiHigh = p.CiHigh,
                RetentionAccuracy = r.Mean, RetentionAccuracyCiLow = r.CiLow, RetentionAccuracyCiHigh = r.CiHigh,
                NewProbability = runs.Average(x => x.New.MeanProbability), ParaphraseProbability = runs.Average(x => x.Paraphrases.MeanProbability),
                RetentionProbability = runs.Average(x => x.Retention.MeanProbability),
            };
        }).ToList();
    }

    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var result = Outcome;
        Results(input);                                         // the per-fact columns, computed once
        var metadata = StageTables.Provenance(this, context, Options with { Result = null });
        var files = new List<string>();
        void Add((string Parquet, string Csv) p) => files.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(result.Runs.Select(r => new
        {
            r.Variant, r.LearningRate, r.Seed, Chosen = result.ChosenLearningRates.GetValueOrDefault(r.Variant) == r.LearningRate, r.TrainableParameters, r.OptimizerSteps, r.FinalLoss,
            ValidationAccuracy = r.Validation.Accuracy, NewAccuracy = r.New.Accuracy, ParaphraseAccuracy = r.Paraphrases.Accuracy, RetentionAccuracy = r.Retention.Accuracy,
            NewProbability = r.New.MeanProbability, ParaphraseProbability = r.Paraphrases.MeanProbability, RetentionProbability = r.Retention.MeanProbability,
            Model = r.ModelFolder ?? "",
        }).ToList(), folder, "e1_runs", metadata));
        var summary = Summary();
        Add(MetricTableRecords.WriteRecords(summary, folder, "e1_summary", metadata));
        Add(MetricTableRecords.WriteRecords(result.Pools.Select(p => new { Pool = p.Key, Neurons = p.Value.Length, Layers = string.Join(";", p.Value.GroupBy(n => n.Layer).Select(g => $"{g.Key}:{g.Count()}")), List = string.Join(";", p.Value) }).ToList(), folder, "e1_pools", metadata));
        Add(MetricTableRecords.WriteRecords(result.Overlap, folder, "e2_overlap", metadata));
        files.Add(ConditionBarsPlot.Save(summary.SelectMany(s => new[]
        {
            new BarValue("Q_new", s.Variant, 100 * s.NewAccuracy, 100 * s.NewAccuracyCiLow, 100 * s.NewAccuracyCiHigh, s.Seeds),
            new BarValue("Q_au", s.Variant, 100 * s.ParaphraseAccuracy, 100 * s.ParaphraseAccuracyCiLow, 100 * s.ParaphraseAccuracyCiHigh, s.Seeds),
            new BarValue("Q_old", s.Variant, 100 * s.RetentionAccuracy, 100 * s.RetentionAccuracyCiLow, 100 * s.RetentionAccuracyCiHigh, s.Seeds),
        }).ToList(), "E1: fine-tuning only chosen neurons", "accuracy (%), mean over seeds with 95 % CI", Path.Combine(folder, "e1_accuracy.png")));
        var report = Path.Combine(folder, "e1_report.md");
        File.WriteAllText(report, Report(result, summary));
        files.Add(report);
        var lines = summary.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Variant} ({s.TrainableParameters:N0} trainable, lr {s.LearningRate:G3}, {s.Seeds} seeds): Q_new {100 * s.NewAccuracy:0.#} %, Q_au {100 * s.ParaphraseAccuracy:0.#} %, Q_old {100 * s.RetentionAccuracy:0.#} %")).ToList();
        lines.AddRange(result.Overlap.Select(o => string.Create(CultureInfo.InvariantCulture,
            $"E2 {o.Definition}: {o.Set} overlap {o.Overlap}/{o.SetSize} ({100 * o.Share:0.#} %, expected {100 * o.Expected:0.#} %, p {o.PValue:G3})")));
        lines.AddRange(result.Skipped.Select(s => $"{s.Key}: skipped ({s.Value})"));
        return new StageOutputs(files, StageTables.Summary(new { result.UpdatedFacts, Summary = summary, result.Overlap, result.Skipped },
            ("facts_computed", FactsComputed), ("facts_reused", FactsReused)), lines);
    }

    static string Report(EvolvabilityResult r, IReadOnlyList<FineTuneSummaryRow> summary)
    {
        static string F(double v) => double.IsNaN(v) ? "–" : (100 * v).ToString("0.#", CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.AppendLine("## E1: fine-tuning only chosen neurons; E2: which neurons a full fine-tune changes").AppendLine();
        s.AppendLine($"{r.UpdatedFacts} facts updated (a new answer). Before fine-tuning: Q_new {F(r.BaselineNew.Accuracy)} %, Q_au {F(r.BaselineParaphrases.Accuracy)} %, " +
                     $"Q_old {F(r.BaselineRetention.Accuracy)} %. Accuracy is greedy on the gold tokens; the learning rate of each variant is chosen on a held-out training paraphrase.").AppendLine();
        s.AppendLine("| variant | trainable parameters | lr | seeds | Q_new % | Q_au % | Q_old % |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var x in summary)
            s.AppendLine($"| {x.Variant} | {x.TrainableParameters:N0} | {x.LearningRate:G3} | {x.Seeds} | {F(x.NewAccuracy)} [{F(x.NewAccuracyCiLow)}, {F(x.NewAccuracyCiHigh)}] | " +
                         $"{F(x.ParaphraseAccuracy)} [{F(x.ParaphraseAccuracyCiLow)}, {F(x.ParaphraseAccuracyCiHigh)}] | {F(x.RetentionAccuracy)} [{F(x.RetentionAccuracyCiLow)}, {F(x.RetentionAccuracyCiHigh)}] |");
        foreach (var (variant, why) in r.Skipped) s.AppendLine().AppendLine($"{variant}: not run ({why}).");
        s.AppendLine().AppendLine("E2 (after full fine-tuning; hypergeometric null):").AppendLine();
        s.AppendLine("| changed = | set | size | overlap | share % | expected % | p |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var o in r.Overlap) s.AppendLine($"| {o.Definition} | {o.Set} | {o.SetSize} | {o.Overlap} | {F(o.Share)} | {F(o.Expected)} | {o.PValue:G3} |");
        s.AppendLine().AppendLine("The authors' reported accuracy (%) (Θ(DKN) / Θ(KN) / Θ(random) / Θ(all)):").AppendLine();
        s.AppendLine("| model | Q_new | Q_old | Q_au |").AppendLine("|---|---|---|---|");
        foreach (var (model, sets) in AuthorsReported.Evolvability)
            s.AppendLine($"| {model} | {string.Join(" / ", sets["Q_new"])} | {string.Join(" / ", sets["Q_old"])} | {string.Join(" / ", sets["Q_au"])} |");
        s.AppendLine().AppendLine($"What differs in protocol: {AuthorsReported.EvolvabilityProtocol} Here everything outside the chosen neurons is frozen " +
                                  "(embeddings and norms included), one optimizer step per batch, a learning rate per variant, several seeds, and the " +
                                  "overlap is computed against the changed neurons for every set.").AppendLine();
        return s.ToString();
    }
}
