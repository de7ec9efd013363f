using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.Tests.Support;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

public class FactDataViewTests
{
    [Fact]
    public void ReadFactsGivesTextColumnsAndTextVectorsForLists()
    {
        var path = Path.Combine(SharedPaths.TempDir("ml-facts"), "facts.parquet");
        StoryFacts.Dataset().Write(path);
        var facts = new MLContext().KnowledgeNeurons().ReadFacts(path);

        Assert.Equal(FactColumns.All, facts.Schema.Select(c => c.Name));
        Assert.Equal(TextDataViewType.Instance, facts.Schema[FactColumns.Answer].Type);
        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance), facts.Schema[FactColumns.Prompts].Type);
        Assert.Equal(
            StoryFacts.Dataset().Records.Select(r => r.Prompts.ToArray()),
            TextVectors(facts, FactColumns.Prompts)
        );
        Assert.Equal(["play", "park"], Texts(facts, FactColumns.Answer)[1..3]);
    }

    [Fact]
    public void ReadFactsNamesAMissingFile() =>
        Assert.Contains(
            "file not found",
            Assert
                .Throws<DknInputException>(() =>
                    new MLContext().KnowledgeNeurons().ReadFacts("/nonexistent/facts.parquet")
                )
                .Message
        );
}
