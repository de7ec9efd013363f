namespace MlNetDkn.Attribution;

/// <summary>The resumable store of prompt attributions (`attributions.jsonl` in a folder).</summary>
public sealed class AttributionStore(string folder)
    : JsonLinesStore<PromptAttribution>(System.IO.Path.Combine(folder, FileName), e => e.Key)
{
    /// <summary>The store's file name inside its folder.</summary>
    public const string FileName = "attributions.jsonl";

    /// <summary>The store of a stage folder: <c>folder/store/attributions.jsonl</c> (the layout every adapter
    /// uses).</summary>
    public static AttributionStore ForStage(string stageFolder) => new(System.IO.Path.Combine(stageFolder, "store"));
}
