using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.Metrics;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Experiments;

/// <summary>
/// The fitted R3 stage. Columns: <c>fact_check_split</c>, and per detector d <c>fact_check_true_&lt;d&gt;</c> and
/// <c>fact_check_false_&lt;d&gt;</c> (the scores of the true and the false statement; NaN for training facts).
/// </summary>
public sealed class FactCheckTransformer : FactStageTransformer<FactCheckRecord>, IFactStage
{
    internal const string Name = "FactCheck", ArchiveKind = "fact-check";
    public const string SplitColumn = "fact_check_split";

    readonly FactCheckStage _stage;
    readonly IReadOnlyList<OutputColumn<FactCheckRecord>> _outputs;

    internal FactCheckTransformer(FactCheckStageOptions options, Lease<ModelSession> model, Lease<JsonLinesStore<FactCheckRecord>> store, string modelHash, StageRuntime runtime)
        : base(Name, $"model {options.ModelPath}", [store, model], runtime)
    {
        Options = options;
        ModelHash = modelHash;
        _stage = new FactCheckStage(model.Value, options.FactCheck, options.Sets, store.Value);
        _outputs = Columns(options);
    }

    public FactCheckStageOptions Options { get; }
    public string ModelHash { get; }
    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    internal static IReadOnlyList<OutputColumn<FactCheckRecord>> Columns(FactCheckStageOptions options)
    {
        var columns = new List<OutputColumn<FactCheckRecord>> { OutputColumns.Text<FactCheckRecord>(SplitColumn, r => r.Split) };
        foreach (var d in options.FactCheck.Detectors.Select(FactCheckOptions.Name))
        {
            columns.Add(OutputColumns.Single<FactCheckRecord>($"fact_check_true_{d}", r => r.True?.Scores.GetValueOrDefault(d, double.NaN) ?? double.NaN));
            columns.Add(OutputColumns.Single<FactCheckRecord>($"fact_check_false_{d}", r => r.False?.Scores.GetValueOrDefault(d, double.NaN) ?? double.NaN));
        }
        return columns;
    }

    private protected override IReadOnlyList<RequiredColumn> Inputs => ExperimentInputs.Required(Name, Options.DknMethod, Options.DknColumnSuffix);
    private protected override IReadOnlyList<OutputColumn<FactCheckRecord>> Outputs => _outputs;
    private protected override IReadOnlyList<string> RequiredInputNames(DataViewSchema inputSchema) =>
        ExperimentInputs.Names(inputSchema, Name, Options.DknMethod, Options.DknColumnSuffix);

    /// <summary>The split of a fact: the one Fit gave it, else the same rule applied to it.</summary>
    public string SplitOf(Facts.FactRecord fact) => Options.Splits.TryGetValue(fact.FactId, out var s) ? s
        : FactCheckSplits.Assign([fact], Options.FactCheck)[fact.FactId];

    public FactCheckRecord Run(ExperimentFact fact) =>
        Result(ExperimentInputs.Key(fact), fact.Fact.FactId, () =>
        {
            var record = _stage.Run(fact.Fact, SplitOf(fact.Fact), out bool stored);
            return (record, stored);
        });

    private protected override Func<FactCheckRecord> Bind(DataViewRow row)
    {
        var read = ExperimentInputs.Bind(row, Name, Options.DknMethod, Options.DknColumnSuffix);
        return () => Run(read());
    }

    /// <summary>One test statement per row: label (true statement?), and per detector its score.</summary>
    sealed class Statement
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }

    /// <summary>ML.NET's binary-classification metrics of one detector on the test statements, with the authors' micro
    /// precision / recall / F1 (true statements judged true are TP; no true negatives) beside them.</summary>
    public FactCheckMetricsRow Evaluate(IReadOnlyList<FactCheckRecord> records, string detector)
    {
        var test = records.Where(r => r.Split == FactCheckSplits.Test && r.True is not null && r.False is not null).ToList();
        var rule = Options.Thresholds.GetValueOrDefault(detector) ?? new DetectorThreshold(double.NaN);
        var statements = test.SelectMany(r => new[] { (Label: true, Score: r.True!.Scores[detector]), (Label: false, Score: r.False!.Scores[detector]) })
            .Where(s => !double.IsNaN(s.Score)).ToList();
        int covered = statements.Count, total = 2 * test.Count;
        var row = new FactCheckMetricsRow { Detector = detector, Threshold = rule.Threshold, Direction = rule.Direction, TestFacts = test.Count, Statements = total, Scored = covered };
        if (covered == 0 || statements.All(s => s.Label) || statements.All(s => !s.Label)) return row;
        var ml = new MLContext(Options.Seed);
        // ML.NET judges a statement true when its score is above 0: orient and shift by τ (AUC and AUPRC do not change
        // under the shift; they are those of the oriented score).
        var view = ml.Data.LoadFromEnumerable(statements.Select(s =>
        {
            double shifted = rule.Oriented(s.Score) - rule.Oriented(rule.Threshold);
            return new Statement
            {
                Label = s.Label, Score = rule.JudgesTrue(s.Score) ? Math.Max((float)shifted, float.Epsilon) : Math.Min((float)shifted, -float.Epsilon),
                PredictedLabel = rule.JudgesTrue(s.Score),
            };
        }));
        var m = ml.BinaryClassification.EvaluateNonCalibrated(view, "Label", "Score", "PredictedLabel");
        int tp = statements.Count(s => s.Label && rule.JudgesTrue(s.Score)), fp = statements.Count(s => !s.Label && rule.JudgesTrue(s.Score)), fn = statements.Count(s => s.Label && !rule.JudgesTrue(s.Score));
        int correct = statements.Count(s => rule.JudgesTrue(s.Score) == s.Label);
        var accuracy = Proportion.Of(correct, covered);
        double p = tp + fp == 0 ? double.NaN : (double)tp / (tp + fp), rcl = tp + fn == 0 ? double.NaN : (double)tp / (tp + fn);
        return row with
        {
            Auc = m.AreaUnderRocCurve, Auprc = m.AreaUnderPrecisionRecallCurve, Accuracy = m.Accuracy, AccuracyCiLow = accuracy.CiLow, AccuracyCiHigh = accuracy.CiHigh,
            Precision = m.PositivePrecision, Recall = m.PositiveRecall, F1 = m.F1Score,
            AuthorsPrecision = p, AuthorsRecall = rcl, AuthorsF1 = double.IsNaN(p) || double.IsNaN(rcl) || p + rcl == 0 ? double.NaN : 2 * p * rcl / (p + rcl),
        };
    }

    /// <summary>Every detector's test-split metrics over the facts of <paramref name="input"/> (the numbers of its tables).</summary>
    public IReadOnlyList<FactCheckMetricsRow> Evaluate(IDataView input)
    {
        var records = Results(input);
        return Options.FactCheck.Detectors.Select(d => Evaluate(records, FactCheckOptions.Name(d))).ToList();
    }

    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var records = Results(input);
        var metadata = StageTables.Provenance(this, context, Options);
        var rows = Options.FactCheck.Detectors.Select(d => Evaluate(records, FactCheckOptions.Name(d))).ToList();
        var files = new List<string>();
        void Add((string Parquet, string Csv) p) => files.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(rows, folder, "fact_check_metrics", metadata));
        var statements = records.Where(r => r.True is not null && r.False is not null).SelectMany(r => new[] { (r, true, r.True!), (r, false, r.False!) })
            .Select(x => new FactCheckStatementRow
            {
                FactId = x.r.FactId, RelationId = x.r.RelationId, Subject = x.r.Subject, Split = x.r.Split, Prompt = x.r.Prompt, Answer = x.Item3.Answer, IsTrue = x.Item2,
                Scores = string.Join(";", x.Item3.Scores.Select(kv => $"{kv.Key}={kv.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}")),
            }).ToList();
        Add(MetricTableRecords.WriteRecords(statements, folder, "fact_check_statements", metadata));
        Add(MetricTableRecords.WriteRecords(Options.Sets.Select(s => new
        {
            s.RelationId, s.TrainingFacts, DknNeurons = s.Dkn.Length, KnowledgeNeurons = s.KnowledgeNeurons.Length, RandomNeurons = s.Random.Length,
            Dkn = string.Join(";", s.Dkn), Kn = string.Join(";", s.KnowledgeNeurons),
        }).ToList(), folder, "fact_check_sets", metadata));
        files.Add(Metrics.Plots.ConditionBarsPlot.Save(rows.SelectMany(r => new[]
        {
            new Metrics.Plots.BarValue("accuracy", r.Detector, 100 * r.Accuracy, 100 * r.AccuracyCiLow, 100 * r.AccuracyCiHigh, r.Scored),
            new Metrics.Plots.BarValue("AUC", r.Detector, 100 * r.Auc, double.NaN, double.NaN, r.Scored),
        }).ToList(), "R3: fact checking on the test split", "% (accuracy with 95 % Wilson CI; AUC)", Path.Combine(folder, "fact_check.png")));
        var report = Path.Combine(folder, "r3_report.md");
        File.WriteAllText(report, Report(rows, records));
        files.Add(report);
        var lines = rows.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{r.Detector}: AUC {r.Auc:0.000}, accuracy {r.Accuracy:0.000} [{r.AccuracyCiLow:0.000}, {r.AccuracyCiHigh:0.000}] at {(r.Direction > 0 ? "≥" : "≤")} {r.Threshold:G3}, F1 {r.F1:0.000} ({r.Scored} of {r.Statements} test statements scored)")).ToList();
        return new StageOutputs(files, StageTables.Summary(new { Metrics = rows, Sets = Options.Sets.Select(s => new { s.RelationId, Dkn = s.Dkn.Length, Kn = s.KnowledgeNeurons.Length }) },
            ("facts_computed", FactsComputed), ("facts_reused", FactsReused)), lines);
    }

    string Report(IReadOnlyList<FactCheckMetricsRow> rows, IReadOnlyList<FactCheckRecord> records)
    {
        static string F(double v) => double.IsNaN(v) ? "–" : v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        var s = new System.Text.StringBuilder();
        s.AppendLine("## R3: fact checking with DKNs").AppendLine();
        var counts = records.GroupBy(r => r.Split).ToDictionary(g => g.Key, g => g.Count());
        s.AppendLine($"Splits by {(Options.FactCheck.AuthorsTestShare > 0 ? $"fact, {Options.FactCheck.AuthorsTestShare:P0} per relation tested (the authors')" : "entity (subject)")}: " +
                     $"train {counts.GetValueOrDefault(FactCheckSplits.Train)}, validation {counts.GetValueOrDefault(FactCheckSplits.Validation)}, test {counts.GetValueOrDefault(FactCheckSplits.Test)} facts; " +
                     "each test fact gives one true and one false statement. Thresholds: " +
                     (Options.FactCheck.Threshold == ThresholdRule.AuthorsFixed ? "the authors' τ_DKN / τ_KN for dkn / kn, the others fitted on validation." : "fitted on validation by one rule for every detector.")).AppendLine();
        s.AppendLine("| detector | true when | AUC | AUPRC | accuracy [95 % CI] | precision | recall | F1 | authors' micro P / R / F1 | scored |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            s.AppendLine($"| {r.Detector} | {(r.Direction > 0 ? "≥" : "≤")} {r.Threshold:G3} | {F(r.Auc)} | {F(r.Auprc)} | {F(r.Accuracy)} [{F(r.AccuracyCiLow)}, {F(r.AccuracyCiHigh)}] | {F(r.Precision)} | {F(r.Recall)} | {F(r.F1)} | {F(r.AuthorsPrecision)} / {F(r.AuthorsRecall)} / {F(r.AuthorsF1)} | {r.Scored}/{r.Statements} |");
        s.AppendLine().AppendLine($"What differs in protocol: {Metrics.Reports.AuthorsReported.FactCheckProtocol} Here the splits are entity-disjoint, " +
                                  "every detector's threshold comes from the same rule on a validation split, and the model's own answer probability " +
                                  "and logit margin and a matched random neuron set are the baselines.").AppendLine();
        return s.ToString();
    }
}

/// <summary>One detector on the test split.</summary>
public sealed record FactCheckMetricsRow
{
    public required string Detector { get; init; }
    public double Threshold { get; init; }
    /// <summary>+1: higher scores mean true; −1: lower scores mean true (fitted on validation; the authors' rule is +1).</summary>
    public int Direction { get; init; } = 1;
    public int TestFacts { get; init; }
    public int Statements { get; init; }
    /// <summary>Statements with a score (a relation without a neuron set gives none).</summary>
    public int Scored { get; init; }
    public double Auc { get; init; } = double.NaN;
    public double Auprc { get; init; } = double.NaN;
    public double Accuracy { get; init; } = double.NaN;
    public double AccuracyCiLow { get; init; } = double.NaN;
    public double AccuracyCiHigh { get; init; } = double.NaN;
    public double Precision { get; init; } = double.NaN;
    public double Recall { get; init; } = double.NaN;
    public double F1 { get; init; } = double.NaN;
    public double AuthorsPrecision { get; init; } = double.NaN;
    public double AuthorsRecall { get; init; } = double.NaN;
    public double AuthorsF1 { get; init; } = double.NaN;
}

/// <summary>One scored statement.</summary>
public sealed class FactCheckStatementRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Split { get; init; } = "";
    public string Prompt { get; init; } = "";
    public string Answer { get; init; } = "";
    public bool IsTrue { get; init; }
    /// <summary>"detector=score;..."</summary>
    public string Scores { get; init; } = "";
}
