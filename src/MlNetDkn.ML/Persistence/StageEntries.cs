using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Persistence;

/// <summary>This library's stages to and from manifest entries.</summary>
internal static class StageEntries
{
    public static StageEntry From(KnowledgeNeuronTransformer t) => new()
    {
        Kind = StageEntry.AttributionKind, ModelPath = t.Settings.ModelPath, ModelHash = t.ModelHash,
        DType = t.Settings.Load.DType, Device = t.Settings.Load.Device, StoreFolder = t.Settings.StoreFolder,
        PromptsColumn = t.Settings.PromptsColumn, Options = OptionsJson.ToNode(t.Settings.Options),
    };

    public static StageEntry From(DegenerateNeuronTransformer t) => new()
    {
        Kind = StageEntry.DknKind, ModelPath = t.Settings.ModelPath, ModelHash = t.ModelHash,
        DType = t.Settings.Load.DType, Device = t.Settings.Load.Device, StoreFolder = t.Settings.StoreFolder,
        PromptsColumn = t.Settings.PromptsColumn, Options = OptionsJson.ToNode(t.Settings.Options),
        Method = t.Settings.Method.ToString(), PerMethodColumns = t.Settings.PerMethodColumns, MaxNeurons = t.Settings.MaxNeurons,
    };

    public static KnowledgeNeuronTransformer OpenAttribution(StageEntry e) => KnowledgeNeuronEstimator.Open(
        new AttributionStageSettings(Required(e.ModelPath, "model_path"), Load(e),
            OptionsJson.FromNode<FactAttributionOptions>(e.Options, e.Kind), Required(e.StoreFolder, "store_folder"),
            Required(e.PromptsColumn, "prompts_column")),
        Required(e.ModelHash, "model_hash"));

    public static DegenerateNeuronTransformer OpenDkn(StageEntry e) => DegenerateNeuronEstimator.Open(
        new DknStageSettings(Required(e.ModelPath, "model_path"), Load(e),
            OptionsJson.FromNode<DknOptions>(e.Options, e.Kind), Required(e.StoreFolder, "store_folder"),
            Enum.Parse<ClusteringMethod>(Required(e.Method, "method")), e.PerMethodColumns ?? false, e.MaxNeurons ?? 64,
            Required(e.PromptsColumn, "prompts_column")),
        Required(e.ModelHash, "model_hash"));

    static ModelLoadOptions Load(StageEntry e) => new() { DType = Required(e.DType, "dtype"), Device = Required(e.Device, "device") };

    static string Required(string? value, string field) =>
        value ?? throw new DknInputException($"saved pipeline: a stage lacks '{field}'");
}
