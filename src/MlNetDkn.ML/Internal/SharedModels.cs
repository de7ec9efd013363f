using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Internal;

/// <summary>Loaded models shared by every stage that names the same path, dtype, device and threads.</summary>
internal static class SharedModels
{
    public static Lease<ModelSession> Acquire(string path, ModelLoadOptions load)
    {
        var full = Path.GetFullPath(path);
        return SharedResources.Acquire(
            $"model\u001f{full}\u001f{load.DType}\u001f{load.Device}\u001f{load.Threads}",
            () => ModelSession.Open(full, load)
        );
    }

    /// <summary>The model's content hash; when a saved pipeline expects one, the files on disk must hash to
    /// it.</summary>
    public static string CheckHash(ModelSession model, string path, string? expectedHash, string stage)
    {
        if (expectedHash is null)
            return model.ContentHash;
        var now = model.HashFilesNow();
        if (!string.Equals(now, expectedHash, StringComparison.Ordinal))
            throw new DknInputException(
                $"{stage}: the model at {path} has changed since the pipeline was saved (content hash "
                    + $"{now[..16]}…, saved {expectedHash[..Math.Min(16, expectedHash.Length)]}…); "
                    + "refit the pipeline on this model or restore the original model files"
            );
        return now;
    }

    /// <summary>A shared store file (one open handle per file in the process).</summary>
    public static Lease<T> Store<T>(string file, Func<T> open)
        where T : class, IDisposable => SharedResources.Acquire("store\u001f" + Path.GetFullPath(file), open);
}
