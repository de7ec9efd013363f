using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;

namespace MlNetDkn.ML.Attribution;

/// <summary>
/// Adds the knowledge-neuron columns (<see cref="KnowledgeNeuronColumns"/>) to a fact data view. Transform is lazy:
/// a fact is attributed when a cursor first reads one of the added columns, then kept in memory by content; prompt
/// results also go to the resumable store, so a rerun over the same store recomputes nothing.
/// Dispose it (or the chain holding it) to release the model and the store file.
/// </summary>
public sealed class KnowledgeNeuronTransformer : ITransformer, IDisposable
{
    internal const string StageName = "AttributeKnowledgeNeurons";

    readonly Lease<ModelResource> _model;
    readonly Lease<AttributionStore> _store;
    readonly FactAttributionRunner _runner;
    readonly ConcurrentDictionary<string, AttributedFact> _cache = new(StringComparer.Ordinal);
    readonly RequiredColumn[] _inputs;

    /// <summary>Takes ownership of the leases.</summary>
    internal KnowledgeNeuronTransformer(AttributionStageSettings settings, Lease<ModelResource> model, Lease<AttributionStore> store, string modelHash)
    {
        Settings = settings;
        _model = model;
        _store = store;
        ModelHash = modelHash;
        _runner = new FactAttributionRunner(model.Value.Model, model.Value.Tokenizer, settings.Options, store.Value);
        _inputs = Inputs(settings.PromptsColumn);
    }

    internal AttributionStageSettings Settings { get; }
    public string ModelPath => Settings.ModelPath;
    /// <summary>Content hash of the model files this transformer was fitted (or loaded) with.</summary>
    public string ModelHash { get; }
    public string StoreFolder => Settings.StoreFolder;
    public FactAttributionOptions Options => Settings.Options;
    /// <summary>Prompts attributed by this transformer vs. found in the store.</summary>
    public int PromptsComputed => _runner.PromptsComputed;
    public int PromptsReused => _runner.PromptsReused;

    internal static RequiredColumn[] Inputs(string promptsColumn) =>
    [
        new(FactColumns.FactId, false, StageName), new(FactColumns.RelationId, false, StageName),
        new(FactColumns.Answer, false, StageName), new(promptsColumn, true, StageName),
    ];

    /// <summary>The knowledge neurons of one fact, computed once per fact content.</summary>
    public FactKnowledgeNeurons Attribute(FactRecord fact) => Row(fact).Result;

    AttributedFact Row(FactRecord fact)
    {
        var key = string.Join("\u001f", [fact.FactId, fact.RelationId, fact.Answer, .. fact.Prompts]);
        if (_cache.TryGetValue(key, out var cached)) return cached;
        lock (HeavyWork.Gate)
        {
            if (_cache.TryGetValue(key, out cached)) return cached;
            var row = new AttributedFact(_runner.Run(fact), Settings.Options.Attribution.Objective);
            _cache[key] = row;
            return row;
        }
    }

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Mapper(inputSchema).OutputSchema;

    public IDataView Transform(IDataView input) => new MappedDataView<AttributedFact>(input, Mapper(input.Schema));

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Mapper(inputSchema);

    ColumnAddingMapper<AttributedFact> Mapper(DataViewSchema inputSchema)
    {
        foreach (var c in _inputs) c.Check(inputSchema);
        return new ColumnAddingMapper<AttributedFact>(inputSchema, _inputs.Select(c => c.Name).ToArray(), AttributedFact.Columns, Bind);
    }

    Func<AttributedFact> Bind(DataViewRow row)
    {
        var factId = RowText.Scalar(row, FactColumns.FactId);
        var relation = RowText.Scalar(row, FactColumns.RelationId);
        var answer = RowText.Scalar(row, FactColumns.Answer);
        var prompts = RowText.Vector(row, Settings.PromptsColumn);
        return () => Row(new FactRecord { FactId = factId(), RelationId = relation(), Answer = answer(), Prompts = [.. prompts()] });
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw PipelineNotSavable.Error(StageName);

    public void Dispose()
    {
        _store.Dispose();
        _model.Dispose();
    }
}
