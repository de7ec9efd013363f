using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>
/// DKN acquisition for every row's knowledge neurons. Nothing is learned: Fit loads the model (shared with other
/// stages on the same model), records its content hash and opens the DKN store.
/// </summary>
public sealed class DegenerateNeuronEstimator : IEstimator<DegenerateNeuronTransformer>
{
    readonly IChannelProvider? _context;

    internal DegenerateNeuronEstimator(DegenerateNeuronStageOptions options, IChannelProvider? context)
    {
        options.Validate();
        Options = options;
        _context = context;
    }

    public DegenerateNeuronStageOptions Options { get; }

    public DegenerateNeuronTransformer Fit(IDataView input)
    {
        DegenerateNeuronTransformer.CheckInputs(input.Schema, Options);
        return Open(Options, expectedHash: null, _context);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var c in DegenerateNeuronTransformer.FactInputs(Options)) c.Check(inputSchema);
        if (!DegenerateNeuronTransformer.KnowledgeNeuronInputs.Any(set => set.All(c => inputSchema.Any(s => s.Name == c.Name))))
            throw new DknInputException($"{DegenerateNeuronTransformer.Name}: input has no knowledge neurons: expected columns " +
                $"'{KnowledgeNeuronColumns.KnowledgeNeuronLayers}' and '{KnowledgeNeuronColumns.KnowledgeNeuronIndices}' (add an AttributeKnowledgeNeurons stage before it) " +
                $"or a text vector '{KnowledgeNeuronColumns.KnowledgeNeurons}' of \"layer:index\"");
        return SchemaShapes.WithAdded(inputSchema, DknFact.Columns(Options));
    }

    internal static DegenerateNeuronTransformer Open(DegenerateNeuronStageOptions options, string? expectedHash, IChannelProvider? context)
    {
        var model = SharedModels.Acquire(options.ModelPath, options.Load);
        try
        {
            var hash = SharedModels.CheckHash(model.Value, options.ModelPath, expectedHash, DegenerateNeuronTransformer.Name);
            var folder = options.ResolvedFolder(DegenerateNeuronTransformer.Name);
            var store = SharedModels.Store(Path.Combine(folder, "store", DknStage.StoreFileName), () => DknStage.OpenStore(folder));
            return new DegenerateNeuronTransformer(options, model, store, hash,
                StageRuntime.For(context, DegenerateNeuronTransformer.Name, options.Progress, options.CancellationToken));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
