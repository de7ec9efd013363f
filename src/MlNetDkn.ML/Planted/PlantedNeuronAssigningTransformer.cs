using Microsoft.ML;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Planted;

/// <summary>The fitted planted-neurons stage: each fact's planted neurons (with its noise neurons when asked; seeded
/// order, score 1 each) as the knowledge-neuron columns; a fact missing from the truth file is an error.</summary>
public sealed class PlantedNeuronAssigningTransformer : FactStageTransformer<Neuron[]>, IFactStage
{
    internal const string Name = "PlantedNeurons",
        ArchiveKind = "planted-neurons";

    readonly Dictionary<string, PlantedFact> _truth;
    readonly IReadOnlyList<OutputColumn<Neuron[]>> _columns;

    internal PlantedNeuronAssigningTransformer(
        PlantedStageOptions options,
        Lease<ModelSession> model,
        string hash,
        StageRuntime runtime
    )
        : base(Name, $"truth {options.ResolvedTruth}", [model], runtime)
    {
        Options = options;
        ModelHash = hash;
        _truth = PlantedTruth.Load(options.ResolvedTruth).Facts.ToDictionary(f => f.FactId);
        _columns = Columns(model.Value.Config);
    }

    /// <summary>The options the stage was built with (model and truth file).</summary>
    public PlantedStageOptions Options { get; }

    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }
    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    internal static RequiredColumn[] InputsOf() => FactRowReader.Required(Name, FactColumns.Prompts);

    internal static IReadOnlyList<OutputColumn<Neuron[]>> Columns(ModelConfig config) =>
        [
            OutputColumns.TextVector<Neuron[]>(KnowledgeNeuronColumns.KnowledgeNeurons, n =>
                n.Select(x => x.ToString()).ToArray()
            ),
            OutputColumns.KeyVector<Neuron[]>(KnowledgeNeuronColumns.KnowledgeNeuronLayers, config.NumLayers, n =>
                n.Select(x => x.Layer).ToArray()
            ),
            OutputColumns.KeyVector<Neuron[]>(
                KnowledgeNeuronColumns.KnowledgeNeuronIndices,
                config.IntermediateSize,
                n => n.Select(x => x.Index).ToArray()
            ),
            OutputColumns.SingleVector<Neuron[]>(KnowledgeNeuronColumns.KnowledgeNeuronScores, n =>
                n.Select(_ => 1.0).ToArray()
            ),
        ];

    private protected override IReadOnlyList<RequiredColumn> Inputs => InputsOf();
    private protected override IReadOnlyList<OutputColumn<Neuron[]>> Outputs => _columns;

    private protected override Func<Neuron[]> Bind(DataViewRow row)
    {
        var fact = FactRowReader.Bind(row, FactColumns.Prompts);
        return () =>
        {
            var f = fact();
            return Result(f.FactId, f.FactId, () =>
            {
                if (!_truth.TryGetValue(f.FactId, out var planted))
                    throw new DknInputException(
                        $"{Name}: fact '{f.FactId}' is not in the planted truth {Options.ResolvedTruth}"
                    );
                var neurons = planted.PlantedNeurons.Concat(Options.IncludeNoise ? planted.Noise : []);
                // string.GetHashCode differs between processes: seed from the fact id's content hash instead.
                var rng = new Random(Options.Seed ^ Convert.ToInt32(ContentHashing.Sha256OfText(f.FactId)[..7], 16));
                return (neurons.OrderBy(n => n).OrderBy(_ => rng.Next()).ToArray(), false);
            });
        };
    }

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context) =>
        new(
            [],
            new System.Text.Json.Nodes.JsonObject { ["facts"] = Results(input).Count },
            [$"true knowledge neurons of {Results(input).Count} planted facts"]
        );
}
