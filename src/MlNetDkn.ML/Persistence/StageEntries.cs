using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Accuracy;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Persistence;

/// <summary>This library's stages to and from manifest entries: one opener per archive kind.</summary>
internal static class StageEntries
{
    static readonly Dictionary<string, Func<StageEntry, IChannelProvider, ITransformer>> Openers = new(StringComparer.Ordinal)
    {
        [AccuracyTransformer.ArchiveKind] = (e, c) => AccuracyEstimator.Open(Options<AccuracyStageOptions>(e), Hash(e), c),
        [KnowledgeNeuronTransformer.ArchiveKind] = (e, c) => KnowledgeNeuronEstimator.Open(Options<KnowledgeNeuronStageOptions>(e), Hash(e), c),
        [DegenerateNeuronTransformer.ArchiveKind] = (e, c) => DegenerateNeuronEstimator.Open(Options<DegenerateNeuronStageOptions>(e), Hash(e), c),
    };

    public static StageEntry From(IFactStage stage) => new()
    {
        Kind = stage.Kind, ModelHash = stage.ModelHash, Options = OptionsJson.ToNode((object)stage.StageOptions),
    };

    public static ITransformer Open(StageEntry entry, IChannelProvider context, string path) =>
        Openers.TryGetValue(entry.Kind, out var open) ? open(entry, context)
            : throw new DknInputException($"{path}: unknown stage kind '{entry.Kind}' (known: {StageEntry.MlNetKind}, {string.Join(", ", Openers.Keys)})");

    static T Options<T>(StageEntry e) => OptionsJson.FromNode<T>(e.Options, e.Kind);

    static string Hash(StageEntry e) => e.ModelHash ?? throw new DknInputException($"saved pipeline: stage '{e.Kind}' lacks 'model_hash'");
}
