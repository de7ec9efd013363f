using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML;
using MlNetDkn.ML.Internal;
using MlNetDkn.Tests.Support;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

/// <summary>Later stages read a DKN from the typed record column of the same chain, and from the text columns when
/// the record is absent (a table read from a file): both give the same neurons.</summary>
public class DknReaderTests
{
    [Fact]
    public void TheTypedRecordAndTheTextColumnsGiveTheSameDkn()
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var store = SharedPaths.TempDir("dkn-reader");
        using var model = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, store)
            .Append(ml.KnowledgeNeurons().FindDegenerateNeurons(StoryFacts.ModelPath, DknOpts, store))
            .Fit(facts);
        var output = model.Transform(facts);
        var textOnly = ml.Transforms.DropColumns(KnowledgeNeuronColumns.DknRecord).Fit(output).Transform(output);
        var method = DknOpts.Methods[0];

        Assert.Equal([KnowledgeNeuronColumns.DknRecord], DknReader.Columns(output.Schema, "test", method, "")!);
        Assert.Equal(2, DknReader.Columns(textOnly.Schema, "test", method, "")!.Length);
        var typed = Read(output, method);
        var text = Read(textOnly, method);
        Assert.Equal(facts.GetRowCount(), typed.Count);
        Assert.Equal(typed, text);
        var flagged = output
            .GetColumn<bool>(KnowledgeNeuronColumns.ForMethod(KnowledgeNeuronColumns.IsDkn, method))
            .Count(b => b);
        Assert.Equal(flagged, typed.Count(d => d.Length > 0));
        Assert.All(typed.Where(d => d.Length > 0), d => Assert.True(d.Length >= 2));
    }

    static List<Neuron[]> Read(IDataView data, ClusteringMethod method)
    {
        var names = DknReader.Columns(data.Schema, "test", method, "")!;
        using var cursor = data.GetRowCursor(names.Select(n => data.Schema[n]));
        var get = DknReader.Bind(cursor, "test", method, "");
        var rows = new List<Neuron[]>();
        while (cursor.MoveNext())
            rows.Add(get());
        return rows;
    }
}
