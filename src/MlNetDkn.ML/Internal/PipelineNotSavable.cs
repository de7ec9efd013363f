namespace MlNetDkn.ML.Internal;

/// <summary>mlContext.Model.Save cannot write hand-written stages; say where to go instead.</summary>
internal static class PipelineNotSavable
{
    public static NotSupportedException Error(string stage) => new(
        $"{stage} cannot be saved with mlContext.Model.Save: use mlContext.KnowledgeNeurons().Save(model, inputSchema, path), " +
        "which writes the ML.NET parts and these stages' settings to one archive");
}
