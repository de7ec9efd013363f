namespace MlNetDkn.ML.Internal;

/// <summary>The model-identity rule shared by the stages: weights are referenced by path and content hash.</summary>
internal static class StageModels
{
    /// <summary>The model's content hash; when a saved pipeline expects one, the files on disk must hash to it.</summary>
    public static string CheckHash(ModelResource model, string path, string? expectedHash, string stage)
    {
        if (expectedHash is null) return model.Model.ContentHash;
        var now = model.HashFilesNow();
        if (!string.Equals(now, expectedHash, StringComparison.Ordinal))
            throw new DknInputException(
                $"{stage}: the model at {path} has changed since the pipeline was saved (content hash {now[..16]}…, saved {expectedHash[..Math.Min(16, expectedHash.Length)]}…); " +
                "refit the pipeline on this model or restore the original model files");
        return now;
    }
}
