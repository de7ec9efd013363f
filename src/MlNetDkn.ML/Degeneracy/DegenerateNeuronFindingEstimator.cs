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
public sealed class DegenerateNeuronFindingEstimator
    : FactStageEstimator<DegenerateNeuronStageOptions, DegenerateNeuronFindingTransformer>
{
    internal DegenerateNeuronFindingEstimator(DegenerateNeuronStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema) =>
        DegenerateNeuronFindingTransformer.CheckInputs(schema, Options);

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in DegenerateNeuronFindingTransformer.FactInputs(Options))
            c.Check(shape);
        KnowledgeNeuronReader.Check(shape, DegenerateNeuronFindingTransformer.Name);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, DknFact.Columns(Options));

    private protected override DegenerateNeuronFindingTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static DegenerateNeuronFindingTransformer Open(
        DegenerateNeuronStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) => Open(options, DegenerateNeuronFindingTransformer.Name, expectedHash, (model, hash) =>
        {
            var folder = options.ResolvedFolder(DegenerateNeuronFindingTransformer.Name);
            var store = SharedModels.Store(Path.Combine(folder, "store", DknStage.StoreFileName), () =>
                DknStage.OpenStore(folder)
            );
            return new DegenerateNeuronFindingTransformer(
                options,
                model,
                store,
                hash,
                StageRuntime.For(
                    context,
                    DegenerateNeuronFindingTransformer.Name,
                    options.Progress,
                    options.CancellationToken
                )
            );
        });
}
