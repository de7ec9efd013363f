using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>
/// DKN acquisition for every row's knowledge neurons. Nothing is learned: Fit loads the model (shared with other
/// stages on the same model), records its content hash and opens the DKN store.
/// </summary>
public sealed class DegenerateNeuronEstimator
    : FactStageEstimator<DegenerateNeuronStageOptions, DegenerateNeuronTransformer>
{
    internal DegenerateNeuronEstimator(DegenerateNeuronStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema) =>
        DegenerateNeuronTransformer.CheckInputs(schema, Options);

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in DegenerateNeuronTransformer.FactInputs(Options))
            c.Check(shape);
        KnowledgeNeuronReader.Check(shape, DegenerateNeuronTransformer.Name);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, DknFact.Columns(Options));

    private protected override DegenerateNeuronTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static DegenerateNeuronTransformer Open(
        DegenerateNeuronStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) => Open(options, DegenerateNeuronTransformer.Name, expectedHash, (model, hash) =>
        {
            var folder = options.ResolvedFolder(DegenerateNeuronTransformer.Name);
            var store = SharedModels.Store(Path.Combine(folder, "store", DknStage.StoreFileName), () =>
                DknStage.OpenStore(folder)
            );
            return new DegenerateNeuronTransformer(
                options,
                model,
                store,
                hash,
                StageRuntime.For(context, DegenerateNeuronTransformer.Name, options.Progress, options.CancellationToken)
            );
        });
}
