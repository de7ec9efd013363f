using Microsoft.Data.Analysis;
using Microsoft.ML.Data;
using MlNetDkn.Facts;

namespace MlNetDkn.Tests.Facts;

public class FactDataFrameTests
{
    [Fact]
    public void ExposeStringsAndListsAsDataframeColumnsInSchemaOrder()
    {
        var frame = new FactDataset(FactFixtures.ThreeFacts()).ToDataFrame();

        Assert.Equal(FactColumns.All, frame.Columns.Select(c => c.Name));
        Assert.Equal(3, frame.Rows.Count);
        Assert.IsType<StringDataFrameColumn>(frame.Columns[FactColumns.Answer]);
        var aliases = Assert.IsType<VBufferDataFrameColumn<ReadOnlyMemory<char>>>(frame.Columns[FactColumns.Aliases]);
        Assert.Equal(
            ["Real Madrid CF", "Croatia national football team"],
            aliases[1].DenseValues().Select(m => m.ToString())
        );
        Assert.Equal(0, aliases[0].Length);
        Assert.Null(frame.Columns[FactColumns.Date][0]);
        Assert.Equal("2015", frame.Columns[FactColumns.Date][1]);
    }

    [Fact]
    public void RoundTripThroughADataframe()
    {
        var original = new FactDataset(FactFixtures.ThreeFacts());

        var back = FactDataset.FromDataFrame(original.ToDataFrame());

        Assert.Equal(original.ContentHash(), back.ContentHash());
    }

    [Fact]
    public void RejectADataframeWithoutTheAnswerColumn()
    {
        var frame = new FactDataset(FactFixtures.ThreeFacts()).ToDataFrame();
        frame.Columns.Remove(FactColumns.Answer);

        var e = Assert.Throws<DknInputException>(() => FactDataset.FromDataFrame(frame));

        Assert.Equal("DataFrame: missing column 'answer' (expected string)", e.Message);
    }

    [Fact]
    public void RejectADataframeWhosePromptsArePlainStrings()
    {
        var frame = new FactDataset(FactFixtures.ThreeFacts()).ToDataFrame();
        var index = frame.Columns.IndexOf(FactColumns.Prompts);
        frame.Columns[index] = new StringDataFrameColumn(FactColumns.Prompts, ["a", "b", "c"]);

        var e = Assert.Throws<DknInputException>(() => FactDataset.FromDataFrame(frame));

        Assert.StartsWith("DataFrame: column 'prompts' has type StringDataFrameColumn", e.Message);
    }

    [Fact]
    public void RejectADataframeRowWithAnEmptyPromptList()
    {
        var frame = new FactDataset(FactFixtures.ThreeFacts()).ToDataFrame();
        ((VBufferDataFrameColumn<ReadOnlyMemory<char>>)frame.Columns[FactColumns.Prompts])[2] = new VBuffer<
            ReadOnlyMemory<char>
        >(0, []);

        var e = Assert.Throws<DknInputException>(() => FactDataset.FromDataFrame(frame));

        Assert.Equal("DataFrame: row 2, column 'prompts': empty prompt list (expected at least one prompt)", e.Message);
    }
}
