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
    internal const string Name = "FactCheck",
        ArchiveKind = "fact-check";

    /// <summary>Text column: the fact's fact-check split (train, validation or test).</summary>
    public const string SplitColumn = "fact_check_split";

    readonly FactCheckStage _stage;
    readonly IReadOnlyList<OutputColumn<FactCheckRecord>> _outputs;

    internal FactCheckTransformer(
        FactCheckStageOptions options,
        Lease<ModelSession> model,
        Lease<JsonLinesStore<FactCheckRecord>> store,
        string modelHash,
        StageRuntime runtime
    )
        : base(Name, $"model {options.ModelPath}", [store, model], runtime)
    {
        Options = options;
        ModelHash = modelHash;
        _stage = new FactCheckStage(model.Value, options.FactCheck, options.Sets, store.Value);
        _outputs = Columns(options);
    }

    /// <summary>The options, with what Fit learned: the relation-level neuron sets, thresholds and splits.</summary>
    public FactCheckStageOptions Options { get; }

    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }
    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    internal static IReadOnlyList<OutputColumn<FactCheckRecord>> Columns(FactCheckStageOptions options)
    {
        var columns = new List<OutputColumn<FactCheckRecord>>
        {
            OutputColumns.Text<FactCheckRecord>(SplitColumn, r => r.Split),
        };
        foreach (var d in options.FactCheck.Detectors.Select(FactCheckOptions.Name))
        {
            columns.Add(
                OutputColumns.Single<FactCheckRecord>($"fact_check_true_{d}", r =>
                    r.True?.Scores.GetValueOrDefault(d, double.NaN) ?? double.NaN
                )
            );
            columns.Add(
                OutputColumns.Single<FactCheckRecord>($"fact_check_false_{d}", r =>
                    r.False?.Scores.GetValueOrDefault(d, double.NaN) ?? double.NaN
                )
            );
        }
        return columns;
    }

    private protected override IReadOnlyList<RequiredColumn> Inputs => ExperimentInputs.Required(Name);
    private protected override IReadOnlyList<OutputColumn<FactCheckRecord>> Outputs => _outputs;

    private protected override IReadOnlyList<string> RequiredInputNames(DataViewSchema inputSchema) =>
        ExperimentInputs.Names(inputSchema, Name, Options.DknMethod, Options.DknColumnSuffix);

    /// <summary>The split of a fact: the one Fit gave it, else the same rule applied to it.</summary>
    public string SplitOf(Facts.FactRecord fact) =>
        Options.Splits.TryGetValue(fact.FactId, out var s)
            ? s
            : FactCheckSplits.Assign([fact], Options.FactCheck)[fact.FactId];

    /// <summary>The fact's true and false statements scored by every detector (from memory or the
    /// store when known).</summary>
    public FactCheckRecord Run(ExperimentFact fact) => Result(ExperimentInputs.Key(fact), fact.Fact.FactId, () =>
        {
            var record = _stage.Run(fact.Fact, SplitOf(fact.Fact), out bool stored);
            return (record, stored);
        });

    private protected override Func<FactCheckRecord> Bind(DataViewRow row)
    {
        var read = ExperimentInputs.Bind(row, Name, Options.DknMethod, Options.DknColumnSuffix);
        return () => Run(read());
    }

    /// <summary>ML.NET's binary-classification metrics of one detector on the test statements, with the authors' micro
    /// precision / recall / F1 beside them.</summary>
    public FactCheckMetricsRow Evaluate(IReadOnlyList<FactCheckRecord> records, string detector) =>
        FactCheckMetrics.Of(
            records,
            detector,
            Options.Thresholds.GetValueOrDefault(detector) ?? new DetectorThreshold(double.NaN),
            Options.Seed
        );

    /// <summary>Every detector's test-split metrics over the facts of <paramref name="input"/> (the numbers of its
    /// tables).</summary>
    public IReadOnlyList<FactCheckMetricsRow> Evaluate(IDataView input)
    {
        var records = Results(input);
        return Options.FactCheck.Detectors.Select(d => Evaluate(records, FactCheckOptions.Name(d))).ToList();
    }

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var records = Results(input);
        var metadata = StageTables.Provenance(this, context, Options);
        var rows = Options.FactCheck.Detectors.Select(d => Evaluate(records, FactCheckOptions.Name(d))).ToList();
        var files = new List<string>();
        void Add((string Parquet, string Csv) p) => files.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(rows, folder, "fact_check_metrics", metadata));
        var statements = records
            .Where(r => r.True is not null && r.False is not null)
            .SelectMany(r => new[] { (r, true, r.True!), (r, false, r.False!) })
            .Select(x => new FactCheckStatementRow
            {
                FactId = x.r.FactId,
                RelationId = x.r.RelationId,
                Subject = x.r.Subject,
                Split = x.r.Split,
                Prompt = x.r.Prompt,
                Answer = x.Item3.Answer,
                IsTrue = x.Item2,
                Scores = string.Join(
                    ";",
                    x.Item3.Scores.Select(kv =>
                        $"{kv.Key}={kv.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}"
                    )
                ),
            })
            .ToList();
        Add(MetricTableRecords.WriteRecords(statements, folder, "fact_check_statements", metadata));
        Add(
            MetricTableRecords.WriteRecords(
                Options
                    .Sets.Select(s => new
                    {
                        s.RelationId,
                        s.TrainingFacts,
                        DknNeurons = s.Dkn.Length,
                        KnowledgeNeurons = s.KnowledgeNeurons.Length,
                        RandomNeurons = s.Random.Length,
                        Dkn = string.Join(";", s.Dkn),
                        Kn = string.Join(";", s.KnowledgeNeurons),
                    })
                    .ToList(),
                folder,
                "fact_check_sets",
                metadata
            )
        );
        files.Add(
            Metrics.Plots.ConditionBarsPlot.Save(
                rows.SelectMany(r =>
                        new[]
                        {
                            new Metrics.Plots.BarValue(
                                "accuracy",
                                r.Detector,
                                100 * r.Accuracy,
                                100 * r.AccuracyCiLow,
                                100 * r.AccuracyCiHigh,
                                r.Scored
                            ),
                            new Metrics.Plots.BarValue(
                                "AUC",
                                r.Detector,
                                100 * r.Auc,
                                double.NaN,
                                double.NaN,
                                r.Scored
                            ),
                        }
                    )
                    .ToList(),
                "R3: fact checking on the test split",
                "% (accuracy with 95 % Wilson CI; AUC)",
                Path.Combine(folder, "fact_check.png")
            )
        );
        var report = Path.Combine(folder, "r3_report.md");
        File.WriteAllText(report, FactCheckReport.Markdown(rows, records, Options.FactCheck));
        files.Add(report);
        var lines = rows.Select(r =>
                r.Undefined.Length > 0
                    ? $"{r.Detector}: metrics undefined (NaN): {r.Undefined}"
                    : string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"{r.Detector}: AUC {r.Auc:0.000}, accuracy {r.Accuracy:0.000} [{r.AccuracyCiLow:0.000}, "
                            + $"{r.AccuracyCiHigh:0.000}] at {(r.Direction > 0 ? "≥" : "≤")} {r.Threshold:G3}, F1 "
                            + $"{r.F1:0.000} ({r.Scored} of {r.Statements} test statements scored)"
                    )
            )
            .ToList();
        return new StageOutputs(
            files,
            StageTables.Summary(
                new
                {
                    Metrics = rows,
                    Sets = Options.Sets.Select(s => new
                    {
                        s.RelationId,
                        Dkn = s.Dkn.Length,
                        Kn = s.KnowledgeNeurons.Length,
                    }),
                },
                ("facts_computed", FactsComputed),
                ("facts_reused", FactsReused)
            ),
            lines
        );
    }
}
