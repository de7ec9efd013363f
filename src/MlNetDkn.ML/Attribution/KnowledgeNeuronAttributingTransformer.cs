using Microsoft.ML;
using MlNetDkn.Attribution;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Attribution;

/// <summary>
/// Adds the knowledge-neuron columns (<see cref="KnowledgeNeuronColumns"/>) to a fact data view. Transform is lazy:
/// a fact is attributed when a cursor first reads one of the added columns, then kept in memory; prompt results go
/// to the resumable store (<c>folder/store/attributions.jsonl</c>), so a rerun over the same store recomputes nothing.
/// </summary>
public sealed class KnowledgeNeuronAttributingTransformer : FactStageTransformer<AttributedFact>, IFactStage
{
    internal const string Name = "AttributeKnowledgeNeurons",
        ArchiveKind = "knowledge-neurons";

    readonly Lease<ModelSession> _model;
    readonly FactAttributionRunner _runner;
    readonly RequiredColumn[] _inputs;
    readonly IReadOnlyList<OutputColumn<AttributedFact>> _outputs;

    internal KnowledgeNeuronAttributingTransformer(
        KnowledgeNeuronStageOptions options,
        Lease<ModelSession> model,
        Lease<AttributionStore> store,
        string modelHash,
        StageRuntime runtime
    )
        : base(Name, $"model {options.ModelPath}", [store, model], runtime)
    {
        Options = options;
        _model = model;
        ModelHash = modelHash;
        _runner = new FactAttributionRunner(model.Value, options.Attribution, store.Value);
        _inputs = InputsOf(options);
        _outputs = AttributedFact.Columns(model.Value.Config);
    }

    /// <summary>The options the stage was built with.</summary>
    public KnowledgeNeuronStageOptions Options { get; }

    /// <summary>The model attributed: a Hugging Face model folder or a llama2.c checkpoint file.</summary>
    public string ModelPath => Options.ModelPath;

    /// <summary>Content hash of the model files this transformer was fitted (or loaded) with.</summary>
    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }

    /// <summary>The stage's absolute folder; its <c>store/attributions.jsonl</c> holds the resumable
    /// prompt results.</summary>
    public string Folder => Options.ResolvedFolder(Name);

    /// <summary>Prompts attributed by this transformer vs. found in the store.</summary>
    public int PromptsComputed => _runner.PromptsComputed;

    /// <summary>Prompts whose attribution this transformer found in the store instead of computing it.</summary>
    public int PromptsReused => _runner.PromptsReused;

    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    internal static RequiredColumn[] InputsOf(KnowledgeNeuronStageOptions options) =>
        FactRowReader.Required(Name, options.PromptsColumn);

    private protected override string PromptsColumnName => Options.PromptsColumn;
    private protected override IReadOnlyList<RequiredColumn> Inputs => _inputs;
    private protected override IReadOnlyList<OutputColumn<AttributedFact>> Outputs => _outputs;

    /// <summary>The knowledge neurons of one fact, computed once per fact content.</summary>
    public FactKnowledgeNeurons Attribute(FactRecord fact) => Row(fact).Result;

    /// <summary>Every fact's knowledge neurons, in row order.</summary>
    public IReadOnlyList<FactKnowledgeNeurons> Attribute(IDataView facts) =>
        Results(facts).Select(r => r.Result).ToList();

    AttributedFact Row(FactRecord fact) => Result(FactRowReader.Key(fact), fact.FactId, () =>
        {
            var result = _runner.Run(fact, out bool stored);
            return (new AttributedFact(result, _model.Value.Config.IntermediateSize), stored);
        });

    private protected override Func<AttributedFact> Bind(DataViewRow row)
    {
        var fact = FactRowReader.Bind(row, Options.PromptsColumn);
        return () => Row(fact());
    }

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var facts = Attribute(input);
        var config = _model.Value.Config;
        var (files, metrics, lines) = AttributionStageOutput.Write(
            facts,
            config.NumLayers,
            config.IntermediateSize,
            Options.Attribution.Attribution.Multiplier == ScoreMultiplier.ActivationMinusBaseline,
            PromptsComputed,
            PromptsReused,
            folder,
            StageTables.Provenance(this, context, Options.Attribution)
        );
        return new StageOutputs(
            files,
            StageTables.Summary(metrics, ("prompts_computed", PromptsComputed), ("prompts_reused", PromptsReused)),
            lines
        );
    }
}
