using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Facts;

namespace MlNetDkn.ML;

/// <summary>
/// Tidy (long-format) DataFrames of stage outputs: one row per (fact, neuron) or (fact, component, neuron).
/// Use these rather than <c>IDataView.ToDataFrame(-1)</c> when you want to filter or group neurons: ToDataFrame keeps
/// a vector column as one VBuffer per row (and a vector column that went through a DataFrame has unknown size).
/// </summary>
public static class KnowledgeNeuronDataFrames
{
    /// <summary>Columns fact_id, rank (0 = highest), layer, index, score from the knowledge-neuron columns.</summary>
    public static DataFrame ToResultsDataFrame(this IDataView data)
    {
        var (factIds, ranks, layers, indices, scores) = (new List<string>(), new List<int>(), new List<int>(), new List<int>(), new List<float>());
        var schema = data.Schema;
        var columns = new[] { schema[FactColumns.FactId], schema[KnowledgeNeuronColumns.KnowledgeNeurons], schema[KnowledgeNeuronColumns.KnowledgeNeuronScores] };
        using var cursor = data.GetRowCursor(columns);
        var idGetter = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var neuronGetter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(columns[1]);
        var scoreGetter = cursor.GetGetter<VBuffer<float>>(columns[2]);
        ReadOnlyMemory<char> id = default;
        VBuffer<ReadOnlyMemory<char>> neurons = default;
        VBuffer<float> values = default;
        while (cursor.MoveNext())
        {
            idGetter(ref id);
            neuronGetter(ref neurons);
            scoreGetter(ref values);
            var scoreArray = values.DenseValues().ToArray();
            int rank = 0;
            foreach (var text in neurons.DenseValues())
            {
                var neuron = Neuron.Parse(text.ToString());
                factIds.Add(id.ToString());
                ranks.Add(rank);
                layers.Add(neuron.Layer);
                indices.Add(neuron.Index);
                scores.Add(scoreArray[rank]);
                rank++;
            }
        }
        return new DataFrame(
            new StringDataFrameColumn(FactColumns.FactId, factIds), new Int32DataFrameColumn("rank", ranks),
            new Int32DataFrameColumn("layer", layers), new Int32DataFrameColumn("index", indices),
            new SingleDataFrameColumn("score", scores));
    }

    /// <summary>Columns fact_id, component, layer, index from a DKN components column (default: the primary method's).</summary>
    public static DataFrame ToDknComponentsDataFrame(this IDataView data, string componentsColumn = KnowledgeNeuronColumns.DknComponents)
    {
        var (factIds, components, layers, indices) = (new List<string>(), new List<int>(), new List<int>(), new List<int>());
        var schema = data.Schema;
        var columns = new[] { schema[FactColumns.FactId], schema[componentsColumn] };
        using var cursor = data.GetRowCursor(columns);
        var idGetter = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var componentGetter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(columns[1]);
        ReadOnlyMemory<char> id = default;
        VBuffer<ReadOnlyMemory<char>> values = default;
        while (cursor.MoveNext())
        {
            idGetter(ref id);
            componentGetter(ref values);
            int component = 0;
            foreach (var text in values.DenseValues())
            {
                foreach (var neuron in text.ToString().Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Neuron.Parse))
                {
                    factIds.Add(id.ToString());
                    components.Add(component);
                    layers.Add(neuron.Layer);
                    indices.Add(neuron.Index);
                }
                component++;
            }
        }
        return new DataFrame(
            new StringDataFrameColumn(FactColumns.FactId, factIds), new Int32DataFrameColumn("component", components),
            new Int32DataFrameColumn("layer", layers), new Int32DataFrameColumn("index", indices));
    }
}
