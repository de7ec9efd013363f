using Microsoft.ML;

namespace MlNetDkn.ML.Internal;

/// <summary>
/// Reads a row's knowledge neurons, the one way every stage does: the key vectors an attribution stage writes
/// (<c>knowledge_neuron_layers</c>, <c>knowledge_neuron_indices</c>), or else a text vector <c>knowledge_neurons</c>
/// of "layer:index".
/// </summary>
internal static class KnowledgeNeuronReader
{
    static RequiredColumn[][] Sources(string stage) =>
        [
            [
                RequiredColumn.KeyVector(KnowledgeNeuronColumns.KnowledgeNeuronLayers, stage),
                RequiredColumn.KeyVector(KnowledgeNeuronColumns.KnowledgeNeuronIndices, stage),
            ],
            [new(KnowledgeNeuronColumns.KnowledgeNeurons, true, stage)],
        ];

    /// <summary>The columns the neurons are read from, or null when the schema has neither form.</summary>
    public static string[]? Columns(DataViewSchema schema, string stage = "") =>
        Sources(stage)
            .FirstOrDefault(set => set.All(c => schema.GetColumnOrNull(c.Name) is { } col && c.Accepts(col)))
            ?.Select(c => c.Name)
            .ToArray();

    /// <summary>Throws naming the mistyped column if one is there, else the columns expected.</summary>
    public static void Check(DataViewSchema schema, string stage)
    {
        if (Columns(schema, stage) is not null)
            return;
        foreach (var set in Sources(stage))
        foreach (var c in set.Where(c => schema.GetColumnOrNull(c.Name) is not null))
            c.Check(schema);
        throw new DknInputException(
            $"{stage}: input has no knowledge neurons: expected columns "
                + $"'{KnowledgeNeuronColumns.KnowledgeNeuronLayers}' and "
                + $"'{KnowledgeNeuronColumns.KnowledgeNeuronIndices}' (an attribute-knowledge-neurons stage before "
                + $"it) or a text vector "
                + $"'{KnowledgeNeuronColumns.KnowledgeNeurons}' of \"layer:index\""
        );
    }

    /// <summary>The schema-shape check (before Fit): one of the two forms is named in the input.</summary>
    public static void Check(SchemaShape shape, string stage)
    {
        if (!Sources(stage).Any(set => set.All(c => shape.Any(s => s.Name == c.Name))))
            throw new DknInputException(
                $"{stage}: input has no knowledge neurons: expected columns "
                    + $"'{KnowledgeNeuronColumns.KnowledgeNeuronLayers}' and "
                    + $"'{KnowledgeNeuronColumns.KnowledgeNeuronIndices}' or a text vector "
                    + $"'{KnowledgeNeuronColumns.KnowledgeNeurons}'"
            );
    }

    /// <summary>A getter of the row's knowledge neurons, in the column's order.</summary>
    public static Func<Neuron[]> Bind(DataViewRow row, string stage)
    {
        var columns = Columns(row.Schema, stage)
            ?? throw new InvalidOperationException($"{stage}: no knowledge-neuron columns bound");
        if (columns.Length == 1)
        {
            var text = RowText.Vector(row, columns[0]);
            return () => text().Select(Neuron.Parse).ToArray();
        }
        var layers = RowText.Keys(row, columns[0]);
        var indices = RowText.Keys(row, columns[1]);
        return () =>
        {
            var (l, i) = (layers(), indices());
            if (l.Length != i.Length)
                throw new DknInputException(
                    $"{stage}: {l.Length} knowledge-neuron layers but {i.Length} indices in one row"
                );
            return l.Zip(i, (a, b) => new Neuron(a, b)).ToArray();
        };
    }
}
