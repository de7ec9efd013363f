using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Modeling;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Hostile;

/// <summary>Values that once slipped past validation: negative neuron indices, two options without range checks, a
/// damaged line inside a result store, and a shard merge run twice.</summary>
public class ValidationGapTests
{
    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    [InlineData(int.MinValue, int.MinValue)]
    public void NegativeNeuronsAreOutsideTheModel(int layer, int index)
    {
        var vectors = new MlpNeuronVectors([new double[4, 2]], null, [new double[4, 2]]);
        var refused = Assert.Throws<DknInputException>(() => vectors.InputVector(new Neuron(layer, index)));
        Assert.Contains($"neuron {layer}:{index} is outside the model", refused.Message);
        Assert.Throws<DknInputException>(() => vectors.OutputVector(new Neuron(layer, index)));

        using var loaded = ModelLoader.Load(Path.Combine(SharedPaths.Golden, "gpt2"));
        var outside = Assert.Throws<DknInputException>(() =>
            DknFinder.CheckNeurons(loaded.Model, [new Neuron(0, 0), new Neuron(layer, index)])
        );
        Assert.Contains($"neuron {layer}:{index} is outside the model", outside.Message);
        DknFinder.CheckNeurons(loaded.Model, [new Neuron(0, 0)]);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void KnockoutRefusesANegativeOrNonFiniteMinRoundEffect(double effect)
    {
        var refused = Assert.Throws<DknInputException>(() =>
            (KnockoutOptions.Default with { MinRoundEffect = effect }).Validate()
        );
        Assert.Contains("min round effect", refused.Message);
        // 0 keeps every round; 1 or more is allowed and finds nothing (a round cannot move P by more than P0).
        (KnockoutOptions.Default with { MinRoundEffect = 0 }).Validate();
        (KnockoutOptions.Default with { MinRoundEffect = 1.01 }).Validate();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void GroupingRefusesACopyCosineNotAboveZero(double cosine)
    {
        var refused = Assert.Throws<DknInputException>(() =>
            (FunctionalGroupingOptions.Default with { CopyCosine = cosine }).Validate()
        );
        Assert.Contains("copy cosine", refused.Message);
        (FunctionalGroupingOptions.Default with { CopyCosine = 1.5 }).Validate();
    }

    [Fact]
    public void GroupingValidatesItsCompletionAttribution()
    {
        var options = FunctionalGroupingOptions.Default with
        {
            Attribution = KnockoutOptions.Default with { Steps = 0 },
        };
        Assert.Contains("steps", Assert.Throws<DknInputException>(options.Validate).Message);
    }

    sealed record Item(string Key, int Value);

    static string Store(string content)
    {
        var path = Path.Combine(SharedPaths.TempDir("jsonl-store"), "store", "items.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void AStoreWithADamagedMiddleLineIsRefusedNamingFileAndLine()
    {
        var path = Store("{\"Key\":\"a\",\"Value\":1}\n{\"Key\":\"b\",\"Val\n{\"Key\":\"c\",\"Value\":3}\n");
        var refused = Assert.Throws<DknInputException>(() => new JsonLinesStore<Item>(path, i => i.Key));
        Assert.Contains($"{path}: line 2 ", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        // The refusal released the lock and left the file as it was.
        var again = Record.Exception(() => new JsonLinesStore<Item>(path, i => i.Key)) as DknInputException;
        Assert.NotNull(again);
        Assert.DoesNotContain("in use", again.Message);
        Assert.EndsWith("\"Value\":3}\n", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("{\"Key\":\"b\",\"Va")]
    [InlineData("{\"Key\":\"b\",\"Va\n")]
    [InlineData("\0\0\0\0\n")]
    public void OnlyADamagedLastLineIsDroppedAndOverwritten(string lastLine)
    {
        var path = Store("{\"Key\":\"a\",\"Value\":1}\n" + lastLine);
        using (var store = new JsonLinesStore<Item>(path, i => i.Key))
        {
            Assert.Equal(1, store.LoadedCount);
            store.Add(new Item("b", 2));
        }
        Assert.Equal("{\"Key\":\"a\",\"Value\":1}\n{\"Key\":\"b\",\"Value\":2}\n", File.ReadAllText(path));
    }

    [Fact]
    public void MergingShardsTwiceAppendsNothingTheSecondTime()
    {
        var output = SharedPaths.TempDir("merge-twice");
        for (int i = 0; i < 2; i++)
        {
            var shard = Path.Combine(output, $"shard-{i}-of-2");
            Directory.CreateDirectory(Path.Combine(shard, "dkn", "store"));
            File.WriteAllText(Path.Combine(shard, RunManifest.FileName), "{\"status\":\"completed\"}");
            File.WriteAllText(
                Path.Combine(shard, "dkn", "store", "facts.jsonl"),
                $"{{\"Key\":\"f{i}\",\"Value\":{i}}}\n{{\"Key\":\"g{i}\",\"Value\":{i}}}\n"
            );
        }
        // The run's own store already holds one of the lines, and a torn line from a killed write.
        var target = Path.Combine(output, "dkn", "store", "facts.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "{\"Key\":\"f0\",\"Value\":0}\n{\"Key\":\"x");
        var reporter = new TextPipelineReporter(TextWriter.Null);

        Assert.Equal(3, ShardMerge.MergeStores(output, reporter));
        var merged = File.ReadAllText(target);
        Assert.Equal(
            "{\"Key\":\"f0\",\"Value\":0}\n{\"Key\":\"g0\",\"Value\":0}\n{\"Key\":\"f1\",\"Value\":1}\n"
                + "{\"Key\":\"g1\",\"Value\":1}\n",
            merged
        );
        Assert.Equal(0, ShardMerge.MergeStores(output, reporter));
        Assert.Equal(merged, File.ReadAllText(target));
        using var store = new JsonLinesStore<Item>(target, i => i.Key);
        Assert.Equal(4, store.LoadedCount);
    }
}
