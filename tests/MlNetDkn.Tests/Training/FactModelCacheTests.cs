using MlNetDkn.Tests.Support;
using MlNetDkn.Training;

namespace MlNetDkn.Tests.Training;

public class FactModelCacheTests
{
    [Fact]
    public void SecondCallReusesTheCachedModelWithoutTraining()
    {
        var root = SharedPaths.TempDir("model-cache");
        var dataset = TinyWorld.Dataset();
        var options = TinyWorld.Options(epochs: 2);
        int reports = 0;
        var first = FactModelCache.GetOrTrain(dataset, options, root, new Counter(() => reports++));
        Assert.False(first.Reused);
        Assert.True(reports > 0);
        Assert.True(FactModelCache.IsComplete(first.Folder));
        var weights = Path.Combine(first.Folder, "model.safetensors");
        var written = File.GetLastWriteTimeUtc(weights);

        int reportsBefore = reports;
        var second = FactModelCache.GetOrTrain(
            dataset,
            options with
            {
                Threads = 1,
            },
            root,
            new Counter(() => reports++)
        );
        Assert.True(second.Reused);
        Assert.Equal(reportsBefore, reports); // no training step ran
        Assert.Equal(first.Folder, second.Folder);
        Assert.Equal(written, File.GetLastWriteTimeUtc(weights));
        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.Equal(first.Log.StepLosses, second.Log.StepLosses);

        // Other options are another entry; no scratch folder is left behind.
        var third = FactModelCache.GetOrTrain(dataset, options with { Epochs = 1 }, root);
        Assert.False(third.Reused);
        Assert.NotEqual(first.Key, third.Key);
        Assert.Equal(2, Directory.GetDirectories(root).Length);
    }

    [Fact]
    public void AnEntryWithoutTheCompletionMarkerIsRetrained()
    {
        var root = SharedPaths.TempDir("model-cache-interrupted");
        var dataset = TinyWorld.Dataset();
        var options = TinyWorld.Options(epochs: 1);
        var first = FactModelCache.GetOrTrain(dataset, options, root);
        File.Delete(Path.Combine(first.Folder, FactModelCache.CompleteMarker)); // as if killed before the marker
        var second = FactModelCache.GetOrTrain(dataset, options, root);
        Assert.False(second.Reused);
        Assert.True(FactModelCache.IsComplete(second.Folder));
        Assert.Equal(first.Folder, second.Folder);
    }

    sealed class Counter(Action onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport();
    }
}
