using System.Diagnostics;

namespace MlNetDkn.ML.Stages;

/// <summary>
/// The two places where these stages meet ML.NET machinery they cannot change: mlContext.Model.Save, which cannot
/// write hand-written stages (its save context is internal) and creates the file before asking them, and prediction
/// engines, which dispose the transformer they were given. Neither reads ML.NET's private state.
/// </summary>
internal static class ModelSaveGuard
{
    public const string Advice =
        "use mlContext.KnowledgeNeurons().Save(model, inputSchema, path), which writes the ML.NET parts and these "
        + "stages' settings to one archive";

    /// <summary>The error for mlContext.Model.Save. ML.NET has already created the target file by then (its save
    /// context, which would name it, is internal), so the message says that it holds nothing usable.</summary>
    public static NotSupportedException Refuse(string stage) =>
        new($"{stage} cannot be saved with mlContext.Model.Save: {Advice} (a file Model.Save created is incomplete)");

    /// <summary>True inside a prediction engine's Dispose (which would dispose the chain it was created
    /// from).</summary>
    public static bool CalledFromPredictionEngine() =>
        new StackTrace(2, false)
            .GetFrames()
            .Any(f =>
                f.GetMethod()?.DeclaringType is { } t
                && t.Namespace == "Microsoft.ML"
                && t.Name.StartsWith("PredictionEngine", StringComparison.Ordinal)
                && f.GetMethod()!.Name == nameof(IDisposable.Dispose)
            );
}
