using Microsoft.ML;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.Metrics;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>
/// Adds the DKN columns to rows that carry knowledge neurons (from the attribution stage as key vectors, or from any
/// other source as "layer:index" text). Lazy like the attribution stage: a fact is computed when first read, kept in
/// memory, and stored as one line of the resumable DKN store (<c>folder/store/dkn.jsonl</c>).
/// </summary>
public sealed class DegenerateNeuronFindingTransformer : FactStageTransformer<DknFact>, IFactStage
{
    internal const string Name = "FindDegenerateNeurons",
        ArchiveKind = "degenerate-neurons";

    /// <summary>Two ways rows may carry knowledge neurons: typed keys (with scores) or text.</summary>
    readonly DknStage _stage;
    readonly IReadOnlyList<OutputColumn<DknFact>> _outputs;

    internal DegenerateNeuronFindingTransformer(
        DegenerateNeuronStageOptions options,
        Lease<ModelSession> model,
        Lease<JsonLinesStore<DknRecord>> store,
        string modelHash,
        StageRuntime runtime
    )
        : base(Name, $"model {options.ModelPath}", [store, model], runtime)
    {
        Options = options;
        ModelHash = modelHash;
        _stage = new DknStage(model.Value, options.Dkn, store.Value);
        _outputs = DknFact.Columns(options);
    }

    /// <summary>The options the stage was built with.</summary>
    public DegenerateNeuronStageOptions Options { get; }

    /// <summary>The model analysed: a Hugging Face model folder or a llama2.c checkpoint file.</summary>
    public string ModelPath => Options.ModelPath;

    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }

    /// <summary>The method whose DKN fills the unsuffixed columns (the options' method, else the first of
    /// their methods).</summary>
    public ClusteringMethod Method => Options.PrimaryMethod;

    /// <summary>The stage's absolute folder; its <c>store/dkn.jsonl</c> holds the resumable per-fact results.</summary>
    public string Folder => Options.ResolvedFolder(Name);

    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    internal static RequiredColumn[] FactInputs(DegenerateNeuronStageOptions options) =>
        FactRowReader.Required(Name, options.PromptsColumn);

    internal static void CheckInputs(DataViewSchema schema, DegenerateNeuronStageOptions options)
    {
        foreach (var c in FactInputs(options))
            c.Check(schema);
        KnowledgeNeuronReader.Check(schema, Name);
    }

    private protected override string PromptsColumnName => Options.PromptsColumn;
    private protected override IReadOnlyList<RequiredColumn> Inputs => FactInputs(Options);
    private protected override IReadOnlyList<OutputColumn<DknFact>> Outputs => _outputs;

    private protected override IReadOnlyList<string> RequiredInputNames(DataViewSchema inputSchema)
    {
        CheckInputs(inputSchema, Options);
        var names = FactInputs(Options)
            .Select(c => c.Name)
            .Concat(KnowledgeNeuronReader.Columns(inputSchema, Name)!)
            .ToList();
        if (HasScores(inputSchema))
            names.Add(KnowledgeNeuronColumns.KnowledgeNeuronScores);
        return names.Concat(FactRowReader.Optional(inputSchema, Options.PromptsColumn)).Distinct().ToList();
    }

    static bool HasScores(DataViewSchema schema) =>
        schema.GetColumnOrNull(KnowledgeNeuronColumns.KnowledgeNeuronScores) is { } c
        && RequiredColumn.SingleVector(c.Name, Name).Accepts(c);

    /// <summary>The DKN record of one fact's (ranked) knowledge neurons.</summary>
    public DknRecord Find(FactRecord fact, IReadOnlyList<ScoredNeuron> neurons) => Row(fact, neurons).Record;

    /// <summary>Every fact's DKN record, in row order.</summary>
    public IReadOnlyList<DknRecord> Find(IDataView rows) => Results(rows).Select(r => r.Record).ToList();

    DknFact Row(FactRecord fact, IReadOnlyList<ScoredNeuron> neurons) =>
        Result(FactRowReader.Key(fact) + "\u001d" + string.Join(",", neurons.Select(n => n.Neuron)), fact.FactId, () =>
        {
            var record = _stage.Run(fact, neurons, out bool stored);
            return (new DknFact(record), stored);
        });

    private protected override Func<DknFact> Bind(DataViewRow row)
    {
        var fact = FactRowReader.Bind(row, Options.PromptsColumn);
        var neurons = KnowledgeNeuronReader.Bind(row, Name);
        Func<float[]>? scores = HasScores(row.Schema)
            ? RowText.Singles(row, KnowledgeNeuronColumns.KnowledgeNeuronScores)
            : null;
        return () =>
        {
            var f = fact();
            var list = neurons();
            var values = scores?.Invoke() ?? new float[list.Length];
            if (values.Length != list.Length)
                throw new DknInputException(
                    $"{Name}: fact '{f.FactId}' has {list.Length} knowledge neurons but {values.Length} scores"
                );
            return Row(f, list.Select((n, i) => new ScoredNeuron(n, values[i])).ToList());
        };
    }

    /// <summary>This stage's DKN metrics over the facts of <paramref name="input"/> (the numbers of its
    /// tables).</summary>
    public DknMetrics Metrics(IDataView input) => DknMetrics.Compute(Find(input).SelectMany(DknOutcome.From));

    /// <summary>How the run-level acquisition table names this stage: its folder, preset and rule.</summary>
    public string Definition => DknStageOutput.Definition(Options.Dkn, Options.TablesFolder ?? Name);

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var (files, numbers, lines) = DknStageOutput.Write(
            Find(input),
            Options.Dkn,
            Options.TablesFolder ?? Name,
            folder,
            StageTables.Provenance(this, context, Options.Dkn)
        );
        return new StageOutputs(
            files,
            StageTables.Summary(numbers, ("facts_computed", FactsComputed), ("facts_reused", FactsReused)),
            lines
        );
    }
}
