using Microsoft.ML;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Experiments;

/// <summary>
/// The fitted R3 stage. Columns: <c>fact_check_split</c>, and per detector d <c>fact_check_true_&lt;d&gt;</c> and
/// <c>fact_check_false_&lt;d&gt;</c> (the scores of the true and the false statement; NaN for training facts).
/// </summary>
public sealed class FactCheckingTransformer : FactStageTransformer<FactCheckRecord>, IFactStage
{
    internal const string Name = "FactCheck",
        ArchiveKind = "fact-check";

    /// <summary>Text column: the fact's fact-check split (train, validation or test).</summary>
    public const string SplitColumn = "fact_check_split";

    readonly FactCheckStage _stage;
    readonly IReadOnlyList<OutputColumn<FactCheckRecord>> _outputs;

    internal FactCheckingTransformer(
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
        var (files, numbers, lines) = FactCheckTables.Write(
            rows,
            records,
            Options.Sets,
            Options.FactCheck,
            folder,
            metadata
        );
        return new StageOutputs(
            files,
            StageTables.Summary(numbers, ("facts_computed", FactsComputed), ("facts_reused", FactsReused)),
            lines
        );
    }
}
