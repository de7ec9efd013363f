using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>
/// Adds the DKN columns to rows that carry knowledge neurons (from the attribution stage or any other source).
/// Lazy like the attribution stage: a fact is computed when first read, kept in memory, and stored as one line of
/// the resumable DKN store.
/// </summary>
public sealed class DegenerateNeuronTransformer : ITransformer, IDisposable
{
    internal const string StageName = "FindDegenerateNeurons";

    readonly Lease<ModelResource> _model;
    readonly Lease<JsonLinesStore<DknRecord>> _store;
    readonly DknDatasetRunner _runner;
    readonly ConcurrentDictionary<string, DknFact> _cache = new(StringComparer.Ordinal);
    readonly RequiredColumn[] _inputs;
    readonly IReadOnlyList<OutputColumn<DknFact>> _outputs;

    /// <summary>Takes ownership of the leases.</summary>
    internal DegenerateNeuronTransformer(DknStageSettings settings, Lease<ModelResource> model, Lease<JsonLinesStore<DknRecord>> store, string modelHash)
    {
        Settings = settings;
        _model = model;
        _store = store;
        ModelHash = modelHash;
        _runner = new DknDatasetRunner(model.Value.Model, settings.Options, store.Value) { MaxNeurons = settings.MaxNeurons };
        _inputs = Inputs(settings);
        _outputs = DknFact.Columns(settings);
    }

    internal DknStageSettings Settings { get; }
    public string ModelPath => Settings.ModelPath;
    public string ModelHash { get; }
    public string StoreFolder => Settings.StoreFolder;
    public DknOptions Options => Settings.Options;
    public ClusteringMethod Method => Settings.Method;
    /// <summary>Facts computed by this transformer vs. found in the store.</summary>
    public int FactsComputed => _runner.Computed;
    public int FactsReused => _runner.Reused;

    internal static RequiredColumn[] Inputs(DknStageSettings settings) =>
    [
        new(FactColumns.FactId, false, StageName), new(FactColumns.RelationId, false, StageName),
        new(FactColumns.Answer, false, StageName), new(settings.PromptsColumn, true, StageName),
        new(KnowledgeNeuronColumns.KnowledgeNeurons, true, StageName),
    ];

    internal static IReadOnlyList<OutputColumn<DknFact>> Outputs(DknStageSettings settings) => DknFact.Columns(settings);

    /// <summary>The DKN record of one fact's knowledge neurons (ranked), checked on its first prompt.</summary>
    public DknRecord Find(string factId, string relationId, string answer, string firstPrompt, IReadOnlyList<ScoredNeuron> neurons) =>
        Row(factId, relationId, answer, firstPrompt, neurons).Record;

    DknFact Row(string factId, string relationId, string answer, string firstPrompt, IReadOnlyList<ScoredNeuron> neurons)
    {
        var key = string.Join("\u001f", factId, relationId, answer, firstPrompt, string.Join(",", neurons.Select(n => n.Neuron)));
        if (_cache.TryGetValue(key, out var cached)) return cached;
        lock (HeavyWork.Gate)
        {
            if (_cache.TryGetValue(key, out cached)) return cached;
            var tokenizer = _model.Value.Tokenizer;
            // The runner needs only the first prompt's text and tokens; they are encoded exactly as attribution does.
            var prompt = new PromptAttribution
            {
                Key = "", FactId = factId, PromptIndex = 0, Prompt = firstPrompt, Answer = answer,
                PromptTokens = PromptEncoding.Prompt(tokenizer, firstPrompt), AnswerTokens = PromptEncoding.Answer(tokenizer, answer),
                Scores = [], MaxScore = double.NaN, Objective = double.NaN, RelativeCompletenessError = double.NaN,
                LayerScoreSums = [], OptionsHash = "", ModelHash = ModelHash, Seconds = 0,
            };
            var fact = new FactKnowledgeNeurons(factId, relationId, answer, neurons, [prompt], []);
            var row = new DknFact(_runner.Run(fact));
            _cache[key] = row;
            return row;
        }
    }

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Mapper(inputSchema).OutputSchema;

    public IDataView Transform(IDataView input) => new MappedDataView<DknFact>(input, Mapper(input.Schema));

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Mapper(inputSchema);

    ColumnAddingMapper<DknFact> Mapper(DataViewSchema inputSchema)
    {
        foreach (var c in _inputs) c.Check(inputSchema);
        var required = _inputs.Select(c => c.Name).ToList();
        if (HasScores(inputSchema)) required.Add(KnowledgeNeuronColumns.KnowledgeNeuronScores);
        return new ColumnAddingMapper<DknFact>(inputSchema, required, _outputs, Bind);
    }

    static bool HasScores(DataViewSchema schema) =>
        schema.GetColumnOrNull(KnowledgeNeuronColumns.KnowledgeNeuronScores)?.Type is VectorDataViewType { ItemType: NumberDataViewType t } && t.RawType == typeof(float);

    Func<DknFact> Bind(DataViewRow row)
    {
        var factId = RowText.Scalar(row, FactColumns.FactId);
        var relation = RowText.Scalar(row, FactColumns.RelationId);
        var answer = RowText.Scalar(row, FactColumns.Answer);
        var prompts = RowText.Vector(row, Settings.PromptsColumn);
        var neurons = RowText.Vector(row, KnowledgeNeuronColumns.KnowledgeNeurons);
        Func<float[]>? scores = null;
        if (HasScores(row.Schema))
        {
            var getter = row.GetGetter<VBuffer<float>>(row.Schema[KnowledgeNeuronColumns.KnowledgeNeuronScores]);
            VBuffer<float> buffer = default;
            scores = () => { getter(ref buffer); return buffer.DenseValues().ToArray(); };
        }
        return () =>
        {
            var id = factId();
            var first = prompts().FirstOrDefault() ?? throw new DknInputException($"{StageName}: fact '{id}' has no prompts");
            var names = neurons();
            var values = scores?.Invoke() ?? new float[names.Length];
            if (values.Length != names.Length)
                throw new DknInputException($"{StageName}: fact '{id}' has {names.Length} knowledge neurons but {values.Length} scores");
            var ranked = names.Select((n, i) => new ScoredNeuron(Neuron.Parse(n), values[i])).ToList();
            return Row(id, relation(), answer(), first, ranked);
        };
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw PipelineNotSavable.Error(StageName);

    public void Dispose()
    {
        _store.Dispose();
        _model.Dispose();
    }
}
