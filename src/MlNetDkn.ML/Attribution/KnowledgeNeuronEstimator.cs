using Microsoft.ML;
using MlNetDkn.Attribution;
using MlNetDkn.ML.Internal;

namespace MlNetDkn.ML.Attribution;

/// <summary>
/// Attribution of every fact row to its knowledge neurons. Nothing is learned: Fit loads the model (shared with
/// other stages on the same model), records its content hash and opens the store; the work happens lazily in the
/// transformer.
/// </summary>
public sealed class KnowledgeNeuronEstimator : IEstimator<KnowledgeNeuronTransformer>
{
    internal KnowledgeNeuronEstimator(AttributionStageSettings settings)
    {
        settings.Options.Validate();
        if (settings.Options.Attribution.BaselineVectors is not null)
            throw new DknInputException("given baseline vectors are not supported by the ML.NET stage (they cannot be saved with a pipeline)");
        Settings = settings;
    }

    internal AttributionStageSettings Settings { get; }

    public KnowledgeNeuronTransformer Fit(IDataView input)
    {
        foreach (var c in KnowledgeNeuronTransformer.Inputs(Settings.PromptsColumn)) c.Check(input.Schema);
        return Open(Settings, expectedHash: null);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var c in KnowledgeNeuronTransformer.Inputs(Settings.PromptsColumn)) c.Check(inputSchema);
        return SchemaShapes.WithAdded(inputSchema, AttributedFact.Columns);
    }

    /// <summary>Opens a transformer; with <paramref name="expectedHash"/> (a loaded pipeline) the model files must
    /// still hash to it.</summary>
    internal static KnowledgeNeuronTransformer Open(AttributionStageSettings settings, string? expectedHash)
    {
        var model = ModelResource.Acquire(settings.ModelPath, settings.Load);
        try
        {
            var hash = StageModels.CheckHash(model.Value, settings.ModelPath, expectedHash, KnowledgeNeuronTransformer.StageName);
            var store = SharedResources.Acquire("store\u001f" + Path.GetFullPath(Path.Combine(settings.StoreFolder, AttributionStore.FileName)),
                () => new AttributionStore(settings.StoreFolder));
            return new KnowledgeNeuronTransformer(settings, model, store, hash);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
