using Microsoft.ML;
using MlNetDkn.Experiments;
using MlNetDkn.Experiments.Robustness;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Experiments;

/// <summary>
/// The fitted R1 / R2 stage. Columns per condition c (activations route, all perturbation kinds): R1 adds
/// <c>r1_interaction_&lt;c&gt;</c> and <c>r1_interaction_weights_&lt;c&gt;</c> (mean interaction in log P per fact);
/// R2 adds <c>r2_failed_queries</c> and <c>r2_accuracy_&lt;c&gt;</c> / <c>r2_accuracy_weights_&lt;c&gt;</c> (NaN when
/// the fact was not selected). The tables hold every prompt, condition and route.
/// </summary>
public sealed class PerturbedQueryProbingTransformer : FactStageTransformer<PerturbedQueryRecord>, IFactStage
{
    internal const string SuppressionName = "SuppressUnderPerturbation",
        EnhancementName = "EnhanceOnFailures",
        SuppressionKind = "suppress-under-perturbation",
        EnhancementKind = "enhance-on-failures";

    readonly PerturbedQueryStage _stage;
    readonly IReadOnlyList<OutputColumn<PerturbedQueryRecord>> _outputs;
    readonly IReadOnlyList<FactRecord> _collateral;

    internal PerturbedQueryProbingTransformer(
        PerturbedQueryStageOptions options,
        Lease<ModelSession> model,
        Lease<JsonLinesStore<PerturbedQueryRecord>> store,
        string modelHash,
        StageRuntime runtime
    )
        : base(NameOf(options.Experiment), $"model {options.ModelPath}", [store, model], runtime)
    {
        Options = options;
        ModelHash = modelHash;
        _stage = new PerturbedQueryStage(
            model.Value,
            options.Experiment,
            options.Options with
            {
                Seed = options.Seed,
            },
            store.Value
        );
        _outputs = Columns(options);
        _collateral = options
            .Collateral.Select(c => new FactRecord
            {
                FactId = c.FactId,
                RelationId = c.RelationId,
                Subject = c.Subject,
                Prompts = [c.Prompt],
                Answer = c.Answer,
            })
            .ToList();
    }

    /// <summary>The options, with the collateral facts Fit chose (R2).</summary>
    public PerturbedQueryStageOptions Options { get; }

    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }
    string IFactStage.Kind =>
        Options.Experiment == PerturbedQueryExperiment.Suppression ? SuppressionKind : EnhancementKind;
    FactStageOptions IFactStage.StageOptions => Options;

    internal static string NameOf(PerturbedQueryExperiment e) =>
        e == PerturbedQueryExperiment.Suppression ? SuppressionName : EnhancementName;

    static string Snake(NeuronCondition c) => ConditionSet.Name(c).Replace('-', '_');

    internal static IReadOnlyList<OutputColumn<PerturbedQueryRecord>> Columns(PerturbedQueryStageOptions options)
    {
        var conditions = options.Options.Conditions.Where(c => c != NeuronCondition.None).ToList();
        var routes = options.Options.Routes;
        var columns = new List<OutputColumn<PerturbedQueryRecord>>();
        string RouteTag(InterventionRoute r) => r == InterventionRoute.Activations ? "" : "weights_";
        if (options.Experiment == PerturbedQueryExperiment.Suppression)
        {
            foreach (var route in routes)
            foreach (var c in conditions)
                columns.Add(
                    OutputColumns.Single<PerturbedQueryRecord>($"r1_interaction_{RouteTag(route)}{Snake(c)}", r =>
                        SuppressionMetrics
                            .FactRows(r)
                            .FirstOrDefault(f =>
                                f.Route == Route(route)
                                && f.Kind == SuppressionMetrics.AllKinds
                                && f.Condition == ConditionSet.Name(c)
                            )
                            ?.InteractionLogP
                        ?? double.NaN
                    )
                );
        }
        else
        {
            columns.Add(
                OutputColumns.Single<PerturbedQueryRecord>("r2_failed_queries", r =>
                    EnhancementMetrics
                        .UnitRows(r)
                        .Where(u => u.Condition == "none")
                        .Select(u => u.Perturbation)
                        .Distinct()
                        .Count()
                )
            );
            foreach (var route in routes)
            foreach (var c in conditions)
                columns.Add(
                    OutputColumns.Single<PerturbedQueryRecord>($"r2_accuracy_{RouteTag(route)}{Snake(c)}", r =>
                        EnhancementMetrics
                            .UnitRows(r)
                            .Where(u => u.Route == Route(route) && u.Condition == ConditionSet.Name(c))
                            .Select(u => u.Correct)
                            .DefaultIfEmpty(double.NaN)
                            .Average()
                    )
                );
        }
        return columns;
    }

    static string Route(InterventionRoute r) => r.ToString().ToLowerInvariant();

    private protected override IReadOnlyList<RequiredColumn> Inputs => ExperimentInputs.Required(StageName);
    private protected override IReadOnlyList<OutputColumn<PerturbedQueryRecord>> Outputs => _outputs;

    private protected override IReadOnlyList<string> RequiredInputNames(DataViewSchema inputSchema) =>
        ExperimentInputs.Names(inputSchema, StageName, Options.DknMethod, Options.DknColumnSuffix);

    /// <summary>One fact's record.</summary>
    public PerturbedQueryRecord Run(ExperimentFact fact) => Result(ExperimentInputs.Key(fact), fact.Fact.FactId, () =>
        {
            var record = _stage.Run(fact.Fact, fact.Dkn, fact.KnowledgeNeurons, _collateral, out bool stored);
            return (record, stored);
        });

    private protected override Func<PerturbedQueryRecord> Bind(DataViewRow row)
    {
        var read = ExperimentInputs.Bind(row, StageName, Options.DknMethod, Options.DknColumnSuffix);
        return () => Run(read());
    }

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var records = Results(input);
        var metadata = StageTables.Provenance(this, context, Options);
        var (files, numbers, lines) =
            Options.Experiment == PerturbedQueryExperiment.Suppression
                ? RobustnessStageOutput.WriteSuppression(
                    records,
                    $"{Options.DknMethod}{Options.DknColumnSuffix}",
                    folder,
                    metadata,
                    Options.Seed,
                    Options.AuthorsValueCutoff,
                    Options.AuthorsWeightCutoff
                )
                : RobustnessStageOutput.WriteEnhancement(records, folder, metadata, Options.Seed);
        return new StageOutputs(
            files,
            StageTables.Summary(numbers, ("facts_computed", FactsComputed), ("facts_reused", FactsReused)),
            lines
        );
    }
}
