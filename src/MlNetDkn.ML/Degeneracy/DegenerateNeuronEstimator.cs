using Microsoft.ML;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML.Internal;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>
/// DKN acquisition for every row's knowledge neurons. Nothing is learned: Fit loads the model (shared with other
/// stages on the same model), records its content hash and opens the DKN store.
/// </summary>
public sealed class DegenerateNeuronEstimator : IEstimator<DegenerateNeuronTransformer>
{
    internal DegenerateNeuronEstimator(DknStageSettings settings)
    {
        if (!settings.Options.Methods.Contains(settings.Method))
            throw new DknInputException($"{DegenerateNeuronTransformer.StageName}: method {settings.Method} is not among the options' methods ({string.Join(", ", settings.Options.Methods)})");
        if (settings.MaxNeurons < 0) throw new DknInputException($"{DegenerateNeuronTransformer.StageName}: max neurons must be ≥ 0 (got {settings.MaxNeurons})");
        Settings = settings;
    }

    internal DknStageSettings Settings { get; }

    public DegenerateNeuronTransformer Fit(IDataView input)
    {
        foreach (var c in DegenerateNeuronTransformer.Inputs(Settings)) c.Check(input.Schema);
        return Open(Settings, expectedHash: null);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var c in DegenerateNeuronTransformer.Inputs(Settings)) c.Check(inputSchema);
        return SchemaShapes.WithAdded(inputSchema, DegenerateNeuronTransformer.Outputs(Settings));
    }

    internal static DegenerateNeuronTransformer Open(DknStageSettings settings, string? expectedHash)
    {
        var model = ModelResource.Acquire(settings.ModelPath, settings.Load);
        try
        {
            var hash = StageModels.CheckHash(model.Value, settings.ModelPath, expectedHash, DegenerateNeuronTransformer.StageName);
            var file = Path.GetFullPath(Path.Combine(settings.StoreFolder, DknDatasetRunner.StoreFileName));
            var store = SharedResources.Acquire("store\u001f" + file, () => new JsonLinesStore<DknRecord>(file, r => r.Key));
            return new DegenerateNeuronTransformer(settings, model, store, hash);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
