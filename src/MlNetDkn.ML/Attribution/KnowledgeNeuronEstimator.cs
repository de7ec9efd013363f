using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.Attribution;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Attribution;

/// <summary>
/// Attribution of every fact row to its knowledge neurons. Nothing is learned: Fit loads the model (shared with
/// other stages on the same model), records its content hash and opens the store; the work happens lazily in the
/// transformer.
/// </summary>
public sealed class KnowledgeNeuronEstimator : IEstimator<KnowledgeNeuronTransformer>
{
    readonly IChannelProvider? _context;

    internal KnowledgeNeuronEstimator(KnowledgeNeuronStageOptions options, IChannelProvider? context)
    {
        options.Validate();
        Options = options;
        _context = context;
    }

    public KnowledgeNeuronStageOptions Options { get; }

    public KnowledgeNeuronTransformer Fit(IDataView input)
    {
        foreach (var c in KnowledgeNeuronTransformer.InputsOf(Options)) c.Check(input.Schema);
        return Open(Options, expectedHash: null, _context);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var c in KnowledgeNeuronTransformer.InputsOf(Options)) c.Check(inputSchema);
        using var model = SharedModels.Acquire(Options.ModelPath, Options.Load);
        return SchemaShapes.WithAdded(inputSchema, AttributedFact.Columns(model.Value.Config));
    }

    /// <summary>Opens a transformer; with <paramref name="expectedHash"/> (a loaded pipeline) the model files must
    /// still hash to it.</summary>
    internal static KnowledgeNeuronTransformer Open(KnowledgeNeuronStageOptions options, string? expectedHash, IChannelProvider? context)
    {
        var model = SharedModels.Acquire(options.ModelPath, options.Load);
        try
        {
            var hash = SharedModels.CheckHash(model.Value, options.ModelPath, expectedHash, KnowledgeNeuronTransformer.Name);
            var folder = options.ResolvedFolder(KnowledgeNeuronTransformer.Name);
            var store = SharedModels.Store(Path.Combine(folder, "store", AttributionStore.FileName), () => AttributionStore.ForStage(folder));
            return new KnowledgeNeuronTransformer(options, model, store, hash,
                StageRuntime.For(context, KnowledgeNeuronTransformer.Name, options.Progress, options.CancellationToken));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
