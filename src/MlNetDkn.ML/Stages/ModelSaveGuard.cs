using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;

namespace MlNetDkn.ML.Stages;

/// <summary>
/// The two places where these stages meet ML.NET machinery they cannot change: mlContext.Model.Save, which cannot
/// write hand-written stages (its save context is internal) and creates the file before asking them, and prediction
/// engines, which dispose the transformer they were given.
/// </summary>
internal static class ModelSaveGuard
{
    public const string Advice = "use mlContext.KnowledgeNeurons().Save(model, inputSchema, path), which writes the ML.NET parts and these stages' settings to one archive";

    /// <summary>The error for mlContext.Model.Save; first removes the file ML.NET created for it, so no partial zip stays.</summary>
    public static NotSupportedException Refuse(string stage, ModelSaveContext context)
    {
        var removed = TryRemoveTargetFile(context);
        return new NotSupportedException($"{stage} cannot be saved with mlContext.Model.Save: {Advice}" +
            (removed is null ? "" : $" (nothing was written to {removed})"));
    }

    // ModelSaveContext.Repository → RepositoryWriter._archive → ZipArchive._archiveStream (a FileStream when ML.NET
    // was given a path). Deleting an open file is safe on Unix and fails harmlessly elsewhere.
    static string? TryRemoveTargetFile(ModelSaveContext context)
    {
        try
        {
            const BindingFlags any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
            var repository = typeof(ModelSaveContext).GetField("Repository", any)?.GetValue(context);
            var archive = repository?.GetType().GetField("_archive", any)?.GetValue(repository) as ZipArchive;
            var stream = typeof(ZipArchive).GetField("_archiveStream", any)?.GetValue(archive) as FileStream;
            if (stream is null || !File.Exists(stream.Name)) return null;
            File.Delete(stream.Name);
            return stream.Name;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FieldAccessException or TargetException)
        {
            return null;
        }
    }

    /// <summary>True inside a prediction engine's Dispose (which would dispose the chain it was created from).</summary>
    public static bool CalledFromPredictionEngine() =>
        new StackTrace(2, false).GetFrames().Any(f => f.GetMethod()?.DeclaringType is { } t &&
            t.Namespace == "Microsoft.ML" && t.Name.StartsWith("PredictionEngine", StringComparison.Ordinal) &&
            f.GetMethod()!.Name == nameof(IDisposable.Dispose));
}
