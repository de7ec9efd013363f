using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Accuracy;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Persistence;

/// <summary>This library's stages to and from manifest entries: one opener per archive kind.</summary>
internal static class StageEntries
{
    static readonly Dictionary<string, Func<StageEntry, ModelLoadOptions?, IChannelProvider, ITransformer>> Openers = new(StringComparer.Ordinal)
    {
        [AccuracyTransformer.ArchiveKind] = (e, l, c) => AccuracyEstimator.Open(Options<AccuracyStageOptions>(e, l), Hash(e), c),
        [KnowledgeNeuronTransformer.ArchiveKind] = (e, l, c) => KnowledgeNeuronEstimator.Open(Options<KnowledgeNeuronStageOptions>(e, l), Hash(e), c),
        [DegenerateNeuronTransformer.ArchiveKind] = (e, l, c) => DegenerateNeuronEstimator.Open(Options<DegenerateNeuronStageOptions>(e, l), Hash(e), c),
        [Planted.PlantedNeuronsTransformer.ArchiveKind] = (e, l, c) => Planted.PlantedNeuronsEstimator.Open(Options<Planted.PlantedStageOptions>(e, l), Hash(e), c),
        [Planted.PlantedScoreTransformer.ArchiveKind] = (e, l, c) => Planted.PlantedScoreEstimator.Open(Options<Planted.PlantedStageOptions>(e, l), Hash(e), c),
        [Experiments.PerturbedQueryTransformer.SuppressionKind] = (e, l, c) => Experiments.PerturbedQueryEstimator.Open(Options<Experiments.PerturbedQueryStageOptions>(e, l), Hash(e), c),
        [Experiments.PerturbedQueryTransformer.EnhancementKind] = (e, l, c) => Experiments.PerturbedQueryEstimator.Open(Options<Experiments.PerturbedQueryStageOptions>(e, l), Hash(e), c),
        [Experiments.FineTuneNeuronsTransformer.ArchiveKind] = (e, l, c) => Experiments.FineTuneNeuronsEstimator.Open(Options<Experiments.FineTuneNeuronsStageOptions>(e, l), Hash(e), c),
        [Experiments.FactCheckTransformer.ArchiveKind] = (e, l, c) => Experiments.FactCheckEstimator.Open(Options<Experiments.FactCheckStageOptions>(e, l), Hash(e), c),
    };

    public static StageEntry From(IFactStage stage) => new()
    {
        Kind = stage.Kind, ModelHash = stage.ModelHash, Options = OptionsJson.ToNode((object)stage.StageOptions),
    };

    /// <param name="load">Replaces the saved device, dtype and threads (null keeps them).</param>
    public static ITransformer Open(StageEntry entry, IChannelProvider context, string path, ModelLoadOptions? load = null) =>
        Openers.TryGetValue(entry.Kind, out var open) ? open(entry, load, context)
            : throw new DknInputException($"{path}: unknown stage kind '{entry.Kind}' (known: {StageEntry.MlNetKind}, {string.Join(", ", Openers.Keys)})");

    static T Options<T>(StageEntry e, ModelLoadOptions? load) where T : FactStageOptions
    {
        var options = OptionsJson.FromNode<T>(e.Options, e.Kind);
        return load is null ? options : (T)(options with { Load = load });
    }

    static string Hash(StageEntry e) => e.ModelHash ?? throw new DknInputException($"saved pipeline: stage '{e.Kind}' lacks 'model_hash'");
}
