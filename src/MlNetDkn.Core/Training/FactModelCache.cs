using MlNetDkn.Facts;
using MlNetDkn.Modeling.Checkpoints;

namespace MlNetDkn.Training;

/// <summary>Where a cached fact model lives and whether this call trained it.</summary>
public sealed record CachedFactModel(string Folder, string Key, bool Reused, TrainingLog Log)
{
    /// <summary>SHA-256 over config.json and model.safetensors, equal to
    /// <see cref="Modeling.LoadedModel.ContentHash"/>.</summary>
    public string ContentHash => FactModelCache.ContentHash(Folder);
}

/// <summary>
/// Trained fact models keyed by (dataset content hash, training options hash). A model is trained into a scratch
/// folder, the `training_complete` marker is written last, and only then is the folder moved to its key: an
/// interrupted training never leaves a folder that looks reusable.
/// </summary>
public static class FactModelCache
{
    /// <summary>Marker file written last into a trained model's folder; only a folder with it is reused.</summary>
    public const string CompleteMarker = "training_complete";

    /// <summary>Bump when the trainer changes what equal options produce, so old cache entries are not
    /// reused.</summary>
    const string TrainerVersion = "fact-model-trainer/1";

    /// <summary>The default cache root: `.cache/models` under the current directory.</summary>
    public static string DefaultRoot => Path.GetFullPath(Path.Combine(".cache", "models"));

    /// <summary>The cache key (20 hex digits): a hash of the trainer version, the dataset's content hash and the
    /// options' key JSON.</summary>
    public static string Key(FactDataset dataset, FactModelTrainingOptions options) =>
        ContentHashing.Sha256OfText($"{TrainerVersion}\n{dataset.ContentHash()}\n{options.ToKeyJson()}")[..20];

    /// <summary>Whether <paramref name="folder"/> holds a completely trained model (has <see
    /// cref="CompleteMarker"/>).</summary>
    public static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, CompleteMarker));

    /// <summary>SHA-256 over the folder's config.json and weight files, as <see
    /// cref="Modeling.LoadedModel.ContentHash"/>.</summary>
    public static string ContentHash(string folder) =>
        ContentHashing.Sha256OfFiles([
            Path.Combine(folder, TrainedFactModel.ConfigFile),
            .. HuggingFaceFolder.WeightFiles(folder),
        ]);

    /// <summary>The cached model for this dataset and these options, training and storing it first when
    /// absent.</summary>
    public static CachedFactModel GetOrTrain(
        FactDataset dataset,
        FactModelTrainingOptions options,
        string? cacheRoot = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default
    )
    {
        options.Validate();
        var root = Path.GetFullPath(cacheRoot ?? DefaultRoot);
        var key = Key(dataset, options);
        var folder = Path.Combine(root, key);
        if (IsComplete(folder))
            return new CachedFactModel(
                folder,
                key,
                Reused: true,
                TrainingLog.Load(Path.Combine(folder, TrainedFactModel.LogFile))
            );
        // Parallel runs (shards on one machine) wanting the same model: one trains, the others wait and reuse it.
        using var training = FileLock.Acquire(
            Path.Combine(root, key + ".lock"),
            TimeSpan.FromHours(6),
            $"training of cached model {key}"
        );
        if (IsComplete(folder))
            return new CachedFactModel(
                folder,
                key,
                Reused: true,
                TrainingLog.Load(Path.Combine(folder, TrainedFactModel.LogFile))
            );

        var scratch = Path.Combine(root, $"{key}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            TrainingLog log;
            using (var trained = FactModelTrainer.Train(dataset, options, progress, cancellationToken))
            {
                trained.Save(scratch);
                log = trained.Log;
            }
            File.WriteAllText(Path.Combine(scratch, CompleteMarker), DateTime.UtcNow.ToString("O"));
            if (Directory.Exists(folder) && !IsComplete(folder))
                Directory.Delete(folder, recursive: true); // a stale, unfinished entry
            if (!Directory.Exists(folder))
                Directory.Move(scratch, folder); // else another process won the race
            return new CachedFactModel(folder, key, Reused: false, log);
        }
        finally
        {
            if (Directory.Exists(scratch))
                Directory.Delete(scratch, recursive: true);
        }
    }
}
