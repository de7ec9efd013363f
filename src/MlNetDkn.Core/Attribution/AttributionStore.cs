namespace MlNetDkn.Attribution;

/// <summary>The resumable store of prompt attributions (`attributions.jsonl` in a folder).</summary>
public sealed class AttributionStore(string folder)
    : JsonLinesStore<PromptAttribution>(System.IO.Path.Combine(folder, FileName), e => e.Key)
{
    public const string FileName = "attributions.jsonl";
}
