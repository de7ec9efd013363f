using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Facts;

namespace MlNetDkn.ML;

/// <summary>
/// DataFrames of stage outputs. <see cref="ToFrame"/> converts every column (key columns, which ML.NET's own
/// <c>ToDataFrame</c> refuses, become 0-based UInt32 values); the tidy frames have one row per (fact, neuron) or
/// (fact, component, neuron), with the fact's relation and answer probability, ready to filter and group.
/// </summary>
public static class KnowledgeNeuronDataFrames
{
    /// <summary>Every visible column of <paramref name="data"/> as a DataFrame column (all rows): keys as 0-based
    /// UInt32 (vectors of them as UInt32 vectors), everything else as ML.NET's ToDataFrame gives it.</summary>
    public static DataFrame ToFrame(this IDataView data)
    {
        var keyColumns = data
            .Schema.Where(c =>
                !c.IsHidden && (c.Type is KeyDataViewType || c.Type is VectorDataViewType { ItemType: KeyDataViewType })
            )
            .ToList();
        var plainNames = data
            .Schema.Where(c => DknRecordDataViewType.IsTabular(c) && !keyColumns.Contains(c))
            .Select(c => c.Name)
            .ToArray();
        var plain = new MLContext().Transforms.SelectColumns(plainNames).Fit(data).Transform(data).ToDataFrame(-1);
        var columns = data
            .Schema.Where(DknRecordDataViewType.IsTabular)
            .Select(c => keyColumns.Contains(c) ? KeyColumn(data, c) : plain.Columns[c.Name])
            .ToList();
        foreach (var c in columns)
            FillEmptyVectors(c);
        return new DataFrame(columns);
    }

    // ML.NET hands out empty vectors as default(VBuffer<T>), whose enumerator throws; DataFrame.SaveCsv enumerates
    // them.
    static void FillEmptyVectors(DataFrameColumn column)
    {
        switch (column)
        {
            case VBufferDataFrameColumn<ReadOnlyMemory<char>> c:
                Fill(c);
                break;
            case VBufferDataFrameColumn<float> c:
                Fill(c);
                break;
            case VBufferDataFrameColumn<double> c:
                Fill(c);
                break;
            case VBufferDataFrameColumn<int> c:
                Fill(c);
                break;
            case VBufferDataFrameColumn<uint> c:
                Fill(c);
                break;
            case VBufferDataFrameColumn<long> c:
                Fill(c);
                break;
            case VBufferDataFrameColumn<bool> c:
                Fill(c);
                break;
        }
    }

    static void Fill<T>(VBufferDataFrameColumn<T> column)
    {
        for (long i = 0; i < column.Length; i++)
            if (column[i].Length == 0)
                column[i] = new VBuffer<T>(0, []);
    }

    static DataFrameColumn KeyColumn(IDataView data, DataViewSchema.Column column)
    {
        if (column.Type is KeyDataViewType)
            return new UInt32DataFrameColumn(
                column.Name,
                data.GetColumn<uint>(column).Select(k => k == 0 ? (uint?)null : k - 1)
            );
        return new VBufferDataFrameColumn<uint>(
            column.Name,
            data.GetColumn<VBuffer<uint>>(column)
                .Select(v => new VBuffer<uint>(v.Length, v.DenseValues().Select(k => k - 1).ToArray()))
                .ToList()
        );
    }

    /// <summary>Writes a frame as RFC 4180 CSV with vector cells as JSON arrays (numbers round-trip exactly), the
    /// same cells as the product's tables; <see cref="ReadCsv"/> reads it back. Use it instead of
    /// <c>DataFrame.SaveCsv</c>, which writes a vector as "(a b c)", so items holding spaces cannot be read
    /// back.</summary>
    public static void WriteCsv(this DataFrame frame, string path) => Output.DataViewTables.WriteCsv(frame, path);

    /// <summary>Reads a CSV written by <see cref="WriteCsv"/> into columns of the same names and types as
    /// <paramref name="like"/> (the frame it was written from, or one of the same schema).</summary>
    public static DataFrame ReadCsv(string path, DataFrame like) => Output.FrameCsv.Read(path, like);

    /// <summary>Columns fact_id, relation_id, answer_probability, rank (0 = highest), layer, index, score.</summary>
    public static DataFrame ToResultsDataFrame(this IDataView data)
    {
        var (ids, relations, probabilities, ranks, layers, indices, scores) = (
            new List<string>(),
            new List<string>(),
            new List<float>(),
            new List<int>(),
            new List<int>(),
            new List<int>(),
            new List<float>()
        );
        var l = Keys(data, KnowledgeNeuronColumns.KnowledgeNeuronLayers);
        var i = Keys(data, KnowledgeNeuronColumns.KnowledgeNeuronIndices);
        var s = data.GetColumn<VBuffer<float>>(KnowledgeNeuronColumns.KnowledgeNeuronScores)
            .Select(v => v.DenseValues().ToArray())
            .ToArray();
        var f = Texts(data, FactColumns.FactId);
        var r = Texts(data, FactColumns.RelationId);
        var p = data.GetColumn<float>(KnowledgeNeuronColumns.AnswerProbability).ToArray();
        for (int row = 0; row < f.Length; row++)
        for (int k = 0; k < l[row].Length; k++)
        {
            ids.Add(f[row]);
            relations.Add(r[row]);
            probabilities.Add(p[row]);
            ranks.Add(k);
            layers.Add(l[row][k]);
            indices.Add(i[row][k]);
            scores.Add(s[row][k]);
        }
        return new DataFrame(
            new StringDataFrameColumn(FactColumns.FactId, ids),
            new StringDataFrameColumn(FactColumns.RelationId, relations),
            new SingleDataFrameColumn(KnowledgeNeuronColumns.AnswerProbability, probabilities),
            new Int32DataFrameColumn("rank", ranks),
            new Int32DataFrameColumn("layer", layers),
            new Int32DataFrameColumn("index", indices),
            new SingleDataFrameColumn("score", scores)
        );
    }

    /// <summary>Columns fact_id, relation_id, dkn_baseline_probability, component, layer, index from a DKN components
    /// column (default: the primary method's).</summary>
    public static DataFrame ToDknComponentsDataFrame(
        this IDataView data,
        string componentsColumn = KnowledgeNeuronColumns.DknComponents
    )
    {
        var (ids, relations, probabilities, components, layers, indices) = (
            new List<string>(),
            new List<string>(),
            new List<float>(),
            new List<int>(),
            new List<int>(),
            new List<int>()
        );
        var f = Texts(data, FactColumns.FactId);
        var r = Texts(data, FactColumns.RelationId);
        var p = data.GetColumn<float>(KnowledgeNeuronColumns.DknBaselineProbability).ToArray();
        var c = data.GetColumn<VBuffer<ReadOnlyMemory<char>>>(componentsColumn)
            .Select(v => v.DenseValues().Select(m => m.ToString()).ToArray())
            .ToArray();
        for (int row = 0; row < f.Length; row++)
        for (int k = 0; k < c[row].Length; k++)
            foreach (var neuron in c[row][k].Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Neuron.Parse))
            {
                ids.Add(f[row]);
                relations.Add(r[row]);
                probabilities.Add(p[row]);
                components.Add(k);
                layers.Add(neuron.Layer);
                indices.Add(neuron.Index);
            }
        return new DataFrame(
            new StringDataFrameColumn(FactColumns.FactId, ids),
            new StringDataFrameColumn(FactColumns.RelationId, relations),
            new SingleDataFrameColumn(KnowledgeNeuronColumns.DknBaselineProbability, probabilities),
            new Int32DataFrameColumn("component", components),
            new Int32DataFrameColumn("layer", layers),
            new Int32DataFrameColumn("index", indices)
        );
    }

    static string[] Texts(IDataView data, string name) =>
        data.GetColumn<ReadOnlyMemory<char>>(name).Select(m => m.ToString()).ToArray();

    static int[][] Keys(IDataView data, string name) =>
        data.GetColumn<VBuffer<uint>>(name).Select(v => v.DenseValues().Select(k => (int)k - 1).ToArray()).ToArray();
}
