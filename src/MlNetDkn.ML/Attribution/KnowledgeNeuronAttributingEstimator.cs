using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.Attribution;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Attribution;

/// <summary>
/// Attribution of every fact row to its knowledge neurons. Nothing is learned: Fit loads the model (shared with
/// other stages on the same model), records its content hash and opens the store; the work happens lazily in the
/// transformer.
/// </summary>
public sealed class KnowledgeNeuronAttributingEstimator
    : FactStageEstimator<KnowledgeNeuronStageOptions, KnowledgeNeuronAttributingTransformer>
{
    internal KnowledgeNeuronAttributingEstimator(KnowledgeNeuronStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema)
    {
        foreach (var c in KnowledgeNeuronAttributingTransformer.InputsOf(Options))
            c.Check(schema);
    }

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in KnowledgeNeuronAttributingTransformer.InputsOf(Options))
            c.Check(shape);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, AttributedFact.Columns(config));

    private protected override KnowledgeNeuronAttributingTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    /// <summary>Opens a transformer; with <paramref name="expectedHash"/> (a loaded pipeline) the model files must
    /// still hash to it.</summary>
    internal static KnowledgeNeuronAttributingTransformer Open(
        KnowledgeNeuronStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) => Open(options, KnowledgeNeuronAttributingTransformer.Name, expectedHash, (model, hash) =>
        {
            var folder = options.ResolvedFolder(KnowledgeNeuronAttributingTransformer.Name);
            var store = SharedModels.Store(Path.Combine(folder, "store", AttributionStore.FileName), () =>
                AttributionStore.ForStage(folder)
            );
            return new KnowledgeNeuronAttributingTransformer(
                options,
                model,
                store,
                hash,
                StageRuntime.For(
                    context,
                    KnowledgeNeuronAttributingTransformer.Name,
                    options.Progress,
                    options.CancellationToken
                )
            );
        });
}
