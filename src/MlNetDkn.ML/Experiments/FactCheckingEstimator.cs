using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Experiments;

/// <summary>
/// R3, fact checking with DKNs, as an estimator in the full sense. Fit splits the facts by entity, learns each
/// relation's DKN and knowledge-neuron sets on the training split, scores the validation split's true and false
/// statements and fits every detector's threshold there with one rule (the authors' preset keeps their fixed
/// τ_DKN and τ_KN). The transformer scores any fact's statements; the tables evaluate the test split with ML.NET's
/// binary-classification metrics.
/// </summary>
public sealed class FactCheckingEstimator : FactStageEstimator<FactCheckStageOptions, FactCheckingTransformer>
{
    internal FactCheckingEstimator(FactCheckStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema) =>
        ExperimentInputs.Check(schema, FactCheckingTransformer.Name, Options.DknMethod, Options.DknColumnSuffix);

    private protected override void CheckInputs(SchemaShape shape) =>
        ExperimentInputs.Check(shape, FactCheckingTransformer.Name, Options.DknMethod, Options.DknColumnSuffix);

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, FactCheckingTransformer.Columns(Options));

    private protected override FactCheckingTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    /// <summary>Splits the facts, learns the relation-level neuron sets from the sets' split and each detector's
    /// threshold on the validation split (or the authors' fixed ones), and opens the fitted transformer.</summary>
    public override FactCheckingTransformer Fit(IDataView input)
    {
        CheckInputs(input.Schema);
        var facts = new List<ExperimentFact>();
        var names = ExperimentInputs.Names(
            input.Schema,
            FactCheckingTransformer.Name,
            Options.DknMethod,
            Options.DknColumnSuffix
        );
        using (var cursor = input.GetRowCursor(names.Select(n => input.Schema[n]).ToArray()))
        {
            var read = ExperimentInputs.Bind(
                cursor,
                FactCheckingTransformer.Name,
                Options.DknMethod,
                Options.DknColumnSuffix
            );
            while (cursor.MoveNext())
                facts.Add(read());
        }
        var options = Options.FactCheck;
        var splits = FactCheckSplits.Assign(facts.Select(f => f.Fact).ToList(), options);
        using var model = SharedModels.Acquire(Options.ModelPath, Options.Load);
        var sets = RelationNeuronSets.Learn(
            facts
                .Where(f => FactCheckSplits.TeachesSets(splits[f.Fact.FactId], options))
                .Select(f =>
                    (
                        f.Fact.RelationId,
                        (IReadOnlyCollection<Neuron>)f.Dkn,
                        (IReadOnlyCollection<Neuron>)f.KnowledgeNeurons
                    )
                ),
            options,
            model.Value.Config.IntermediateSize
        );

        // Thresholds from the validation split's statements (scored once, stored like every other fact).
        var fitted = Options with { Sets = sets, Splits = splits };
        IReadOnlyDictionary<string, DetectorThreshold> thresholds;
        using (var transformer = Open(fitted, null, Context))
            thresholds = FactCheckThresholds.ForDetectors(
                options,
                facts.Where(f => splits[f.Fact.FactId] == FactCheckSplits.Validation).Select(transformer.Run).ToList()
            );
        return Open(fitted with { Thresholds = thresholds }, null, Context);
    }

    internal static FactCheckingTransformer Open(
        FactCheckStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) => Open(options, FactCheckingTransformer.Name, expectedHash, (model, hash) =>
        {
            var folder = options.ResolvedFolder(FactCheckingTransformer.Name);
            var store = SharedModels.Store(Path.Combine(folder, "store", FactCheckStage.StoreFileName), () =>
                FactCheckStage.OpenStore(folder)
            );
            return new FactCheckingTransformer(
                options,
                model,
                store,
                hash,
                StageRuntime.For(context, FactCheckingTransformer.Name, options.Progress, options.CancellationToken)
            );
        });
}
