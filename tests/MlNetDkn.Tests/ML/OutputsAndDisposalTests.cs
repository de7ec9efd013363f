using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.ML.Output;
using MlNetDkn.Tests.Support;
using Parquet.Serialization;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

/// <summary>Output writers, DataFrames, and the lifetime rules of fitted stages.</summary>
public class OutputsAndDisposalTests
{
    static (MLContext Ml, IDataView Facts, ITransformer Model) Fit(string name)
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var store = SharedPaths.TempDir(name);
        var model = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, store)
            .Append(ml.KnowledgeNeurons().FindDegenerateNeurons(StoryFacts.ModelPath, DknOpts, store))
            .Fit(facts);
        return (ml, facts, model);
    }

    [Fact]
    public void WriteTableWritesEveryColumnToParquetAndCsvWithMetadata()
    {
        var (ml, facts, model) = Fit("write-table");
        using var _ = (IDisposable)model;
        var output = model.Transform(facts);
        var folder = SharedPaths.TempDir("write-table-out");
        var (parquet, csv) = ml.KnowledgeNeurons()
            .WriteTable(output, folder, "results", new Dictionary<string, string> { ["origin"] = "test" });

        var header = File.ReadLines(csv).First().Split(',');
        // Every visible column but the typed DKN record, which later stages read and whose content the DKN's text
        // and number columns hold.
        Assert.IsType<DknRecordDataViewType>(output.Schema[KnowledgeNeuronColumns.DknRecord].Type);
        Assert.Equal(
            output.Schema.Where(c => !c.IsHidden && c.Name != KnowledgeNeuronColumns.DknRecord).Select(c => c.Name),
            header
        );
        var rows = ParquetSerializer.DeserializeUntypedAsync(File.OpenRead(parquet)).GetAwaiter().GetResult();
        Assert.Equal(4, rows.Data.Count);
        Assert.Equal(Texts(output, FactColumns.FactId), rows.Data.Select(r => r[FactColumns.FactId]!.ToString()));
        // Key vectors come back 0-based, in the order of the text neurons.
        var neurons = TextVectors(output, KnowledgeNeuronColumns.KnowledgeNeurons);
        for (int i = 0; i < 4; i++)
        {
            var layers = ((System.Collections.IEnumerable)rows.Data[i][KnowledgeNeuronColumns.KnowledgeNeuronLayers]!)
                .Cast<object>()
                .Select(Convert.ToInt32);
            Assert.Equal(neurons[i].Select(n => Neuron.Parse(n).Layer), layers);
        }
        // The large mask is written sparsely: as many entries as knowledge neurons.
        var maskValues = (
            (System.Collections.IEnumerable)rows.Data[0][KnowledgeNeuronColumns.KnowledgeNeuronMask + "__values"]!
        )
            .Cast<object>()
            .Count();
        Assert.Equal(neurons[0].Length, maskValues);
        var metadata = MlNetDkn.Metrics.MetricTable.ReadParquetMetadata(parquet);
        Assert.Equal("test", metadata["origin"]);
    }

    [Fact]
    public void EveryOutputColumnRoundTripsThroughADataFrameAndSaveCsv()
    {
        var (_, facts, model) = Fit("frames");
        using var _ = (IDisposable)model;
        var output = model.Transform(facts);
        var frame = output.ToFrame();
        var visible = output.Schema.Where(c => !c.IsHidden && c.Name != KnowledgeNeuronColumns.DknRecord).ToList();
        Assert.Equal(visible.Select(c => c.Name), frame.Columns.Select(c => c.Name));
        Assert.Equal(4, frame.Rows.Count);
        // Values survive the trip: the frame is a data view again, and its cells equal the original ones.
        var keyless = visible
            .Where(c => c.Type is not VectorDataViewType { ItemType: KeyDataViewType })
            .Select(c => c.Name)
            .ToArray();
        var original = DataViewTables.Cells(
            new MLContext().Transforms.SelectColumns(keyless).Fit(output).Transform(output),
            dense: true
        );
        var back = DataViewTables.Cells(
            new MLContext().Transforms.SelectColumns(keyless).Fit(frame).Transform(frame),
            dense: true
        );
        Assert.Equal(
            original.Select(c => (c.Name, string.Join("|", c.Values))),
            back.Select(c => (c.Name, string.Join("|", c.Values)))
        );
        // Keys come out 0-based.
        var layers = (VBufferDataFrameColumn<uint>)frame[KnowledgeNeuronColumns.KnowledgeNeuronLayers];
        Assert.Equal(
            TextVectors(output, KnowledgeNeuronColumns.KnowledgeNeurons)[0].Select(n => (uint)Neuron.Parse(n).Layer),
            layers[0].DenseValues()
        );

        // CSV keeps every cell: vectors as JSON arrays (a prompt holds spaces), read back into the frame's own types.
        var csv = Path.Combine(SharedPaths.TempDir("frames-csv"), "frame.csv");
        frame.WriteCsv(csv);
        var read = KnowledgeNeuronDataFrames.ReadCsv(csv, frame);
        Assert.Equal(frame.Columns.Select(c => (c.Name, c.DataType)), read.Columns.Select(c => (c.Name, c.DataType)));
        foreach (var column in frame.Columns)
            for (long row = 0; row < frame.Rows.Count; row++)
                Assert.Equal(CellText(column[row]), CellText(read[column.Name][row]));
        var prompts = (VBufferDataFrameColumn<ReadOnlyMemory<char>>)read[FactColumns.Prompts];
        Assert.Contains(prompts[0].DenseValues(), p => p.ToString().Contains(' '));

        var tidy = output.ToDknComponentsDataFrame();
        Assert.Equal(
            [
                FactColumns.FactId,
                FactColumns.RelationId,
                KnowledgeNeuronColumns.DknBaselineProbability,
                "component",
                "layer",
                "index",
            ],
            tidy.Columns.Select(c => c.Name)
        );
        var results = output.ToResultsDataFrame();
        Assert.Equal("story", results[FactColumns.RelationId][0]);
        Assert.Equal(
            output.GetColumn<float>(KnowledgeNeuronColumns.AnswerProbability).First(),
            results[KnowledgeNeuronColumns.AnswerProbability][0]
        );
    }

    static string CellText(object? value) =>
        value switch
        {
            VBuffer<ReadOnlyMemory<char>> v => "[" + string.Join("|", v.DenseValues().Select(m => m.ToString())) + "]",
            VBuffer<float> v => "[" + string.Join("|", v.DenseValues().Select(x => x.ToString("R"))) + "]",
            VBuffer<uint> v => "[" + string.Join("|", v.DenseValues()) + "]",
            VBuffer<double> v => "[" + string.Join("|", v.DenseValues().Select(x => x.ToString("R"))) + "]",
            float f => f.ToString("R"),
            null => "null",
            _ => value.ToString() ?? "",
        };

    public sealed class FactInput
    {
        [ColumnName(FactColumns.FactId)]
        public string FactId { get; set; } = "";

        [ColumnName(FactColumns.RelationId)]
        public string RelationId { get; set; } = "";

        [ColumnName(FactColumns.Answer)]
        public string Answer { get; set; } = "";

        [ColumnName(FactColumns.Prompts)]
        public string[] Prompts { get; set; } = [];
    }

    public sealed class Output
    {
        [ColumnName(KnowledgeNeuronColumns.KnowledgeNeurons)]
        public string[] KnowledgeNeurons { get; set; } = [];
    }

    [Fact]
    public void ADisposedPredictionEngineLeavesTheChainUsableAndADisposedChainNamesItself()
    {
        var (ml, facts, model) = Fit("dispose");
        var fact = StoryFacts.Dataset().Records[1];
        var input = new FactInput
        {
            FactId = fact.FactId,
            RelationId = fact.RelationId,
            Answer = fact.Answer,
            Prompts = [.. fact.Prompts],
        };
        string[] first;
        using (var engine = ml.Model.CreatePredictionEngine<FactInput, Output>(model))
            first = engine.Predict(input).KnowledgeNeurons;
        // The engine is gone; a new fact still goes through the chain and a new engine.
        Assert.Equal(4, TextVectors(model.Transform(facts), KnowledgeNeuronColumns.KnowledgeNeurons).Length);
        using (var engine = ml.Model.CreatePredictionEngine<FactInput, Output>(model))
            Assert.Equal(
                first,
                engine
                    .Predict(
                        new FactInput
                        {
                            FactId = "new",
                            RelationId = fact.RelationId,
                            Answer = fact.Answer,
                            Prompts = [.. fact.Prompts],
                        }
                    )
                    .KnowledgeNeurons
            );

        KnowledgeNeuronsCatalog.Release(model);
        Assert.Equal(0, MlNetDkn.ML.Internal.SharedResources.LiveCount);
        var e = Assert.Throws<ObjectDisposedException>(() => model.Transform(facts));
        Assert.Contains("AttributeKnowledgeNeurons", e.Message);
        Assert.Contains("was disposed", e.Message);
    }

    [Fact]
    public void ModelSaveRefusesClearlyAndSaysTheFileItCreatedIsIncomplete()
    {
        var (ml, facts, model) = Fit("model-save");
        using var _ = (IDisposable)model;
        var path = Path.Combine(SharedPaths.TempDir("model-save-out"), "model.zip");
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, facts.Schema, path));
        Assert.Contains("KnowledgeNeurons().Save", e.ToString());
        // ML.NET creates the file before asking the stage; nothing tells the stage its path without reading ML.NET's
        // private state, so the refusal says what the file is.
        Assert.Contains("incomplete", e.ToString());
    }
}
