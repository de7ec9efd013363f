using MlNetDkn.Facts;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Facts;

public class FactDatasetParquetTests
{
    [Fact]
    public void RoundTripEveryColumnThroughParquet()
    {
        // Given
        var original = new FactDataset(FactFixtures.ThreeFacts());
        var path = Path.Combine(SharedPaths.TempDir("facts-roundtrip"), "facts.parquet");

        // When
        original.Write(path);
        var read = FactDataset.Read(path);

        // Then
        Assert.Equal(3, read.Count);
        var modric = read.Records[1];
        Assert.Equal("t:2", modric.FactId);
        Assert.Equal("Luka Modrić", modric.Subject);
        Assert.Equal(["Real Madrid CF", "Croatia national football team"], modric.Aliases);
        Assert.Equal(["In 2015, the team of Luka Modrić is"], modric.HeldoutPrompts);
        Assert.Equal(["In 2015, Which team is Luka Modrić a player for?"], modric.QuestionPrompts);
        Assert.Equal(["add"], modric.PerturbedKinds);
        Assert.Equal(["Tottenham Hotspur"], modric.FalseAnswers);
        Assert.Equal("2015", modric.Date);
        Assert.Equal("val", modric.Split);
        Assert.Null(read.Records[0].Date);
        Assert.Empty(read.Records[0].Aliases);
        Assert.Equal(["The capital of France is", "France's capital city is"], read.Records[0].Prompts);
        Assert.Equal(original.ContentHash(), read.ContentHash());
    }

    [Fact]
    public void WriteIdenticalBytesForIdenticalRows()
    {
        var dir = SharedPaths.TempDir("facts-bytes");
        new FactDataset(FactFixtures.ThreeFacts()).Write(Path.Combine(dir, "a.parquet"));
        new FactDataset(FactFixtures.ThreeFacts()).Write(Path.Combine(dir, "b.parquet"));

        Assert.Equal(
            File.ReadAllBytes(Path.Combine(dir, "a.parquet")),
            File.ReadAllBytes(Path.Combine(dir, "b.parquet"))
        );
    }

    [Fact]
    public void ContentHashDependsOnEveryValueAndOnRowOrder()
    {
        var baseline = new FactDataset(FactFixtures.ThreeFacts()).ContentHash();

        var aliasChanged = FactFixtures.ThreeFacts();
        aliasChanged[1].Aliases[1] = "Croatia";
        var nullVsEmptyDate = FactFixtures.ThreeFacts();
        nullVsEmptyDate[0].Date = "2010";
        var reordered = FactFixtures.ThreeFacts();
        reordered.Reverse();
        // Moving a prompt into another list keeps the concatenated text but must change the hash.
        var moved = FactFixtures.ThreeFacts();
        moved[0].HeldoutPrompts.Add(moved[0].Prompts[1]);
        moved[0].Prompts.RemoveAt(1);

        Assert.Matches("^[0-9a-f]{64}$", baseline);
        Assert.Equal(baseline, new FactDataset(FactFixtures.ThreeFacts()).ContentHash());
        Assert.NotEqual(baseline, new FactDataset(aliasChanged).ContentHash());
        Assert.NotEqual(baseline, new FactDataset(nullVsEmptyDate).ContentHash());
        Assert.NotEqual(baseline, new FactDataset(reordered).ContentHash());
        Assert.NotEqual(baseline, new FactDataset(moved).ContentHash());
    }

    [Fact]
    public async Task StampSchemaVersionAndContentHashIntoParquetMetadata()
    {
        var dataset = new FactDataset(FactFixtures.ThreeFacts());
        using var stream = new MemoryStream();
        await dataset.WriteAsync(stream);
        stream.Position = 0;

        await using var reader = await Parquet.ParquetReader.CreateAsync(stream);

        Assert.Equal(FactDataset.SchemaVersion, reader.CustomMetadata[FactDataset.SchemaMetadataKey]);
        Assert.Equal(dataset.ContentHash(), reader.CustomMetadata[FactDataset.HashMetadataKey]);
    }
}
