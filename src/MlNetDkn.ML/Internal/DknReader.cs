using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Degeneracy;

namespace MlNetDkn.ML.Internal;

/// <summary>
/// Reads a row's DKN under one clustering method, the one way every experiment does: the typed
/// <see cref="KnowledgeNeuronColumns.DknRecord"/> column a find-degenerate-neurons stage of the same chain adds, or,
/// for a table read from a file, its text columns (<c>dkn_components_&lt;method&gt;&lt;suffix&gt;</c> of "l:i;l:i"
/// and <c>is_dkn_&lt;method&gt;&lt;suffix&gt;</c>). A fact that is not a DKN under the method (a one-component set
/// included) has none.
/// </summary>
internal static class DknReader
{
    public static string RecordColumn(string suffix) => KnowledgeNeuronColumns.DknRecord + suffix;

    public static string ComponentsColumn(ClusteringMethod method, string suffix) =>
        KnowledgeNeuronColumns.ForMethod(KnowledgeNeuronColumns.DknComponents, method) + suffix;

    public static string IsDknColumn(ClusteringMethod method, string suffix) =>
        KnowledgeNeuronColumns.ForMethod(KnowledgeNeuronColumns.IsDkn, method) + suffix;

    static RequiredColumn[][] Sources(string stage, ClusteringMethod method, string suffix) =>
        [
            [
                new(
                    RecordColumn(suffix),
                    stage,
                    nameof(DknRecord),
                    t => t is DknRecordDataViewType,
                    SchemaShape.Column.VectorKind.Scalar
                ),
            ],
            [
                new(ComponentsColumn(method, suffix), true, stage),
                new(
                    IsDknColumn(method, suffix),
                    stage,
                    "Boolean",
                    t => t is BooleanDataViewType,
                    SchemaShape.Column.VectorKind.Scalar
                ),
            ],
        ];

    /// <summary>The columns the DKN is read from, or null when the schema has neither form.</summary>
    public static string[]? Columns(DataViewSchema schema, string stage, ClusteringMethod method, string suffix) =>
        Sources(stage, method, suffix)
            .FirstOrDefault(set => set.All(c => schema.GetColumnOrNull(c.Name) is { } col && c.Accepts(col)))
            ?.Select(c => c.Name)
            .ToArray();

    /// <summary>Throws naming the mistyped column if one is there, else the step that adds the columns.</summary>
    public static void Check(DataViewSchema schema, string stage, ClusteringMethod method, string suffix)
    {
        if (Columns(schema, stage, method, suffix) is not null)
            return;
        foreach (var set in Sources(stage, method, suffix))
        foreach (var c in set.Where(c => schema.GetColumnOrNull(c.Name) is not null))
            c.Check(schema);
        throw Missing(stage, method, suffix);
    }

    /// <summary>The schema-shape check (before Fit): one of the two forms is named in the input.</summary>
    public static void Check(SchemaShape shape, string stage, ClusteringMethod method, string suffix)
    {
        if (!Sources(stage, method, suffix).Any(set => set.All(c => shape.Any(s => s.Name == c.Name))))
            throw Missing(stage, method, suffix);
    }

    static DknInputException Missing(string stage, ClusteringMethod method, string suffix) =>
        new(
            $"{stage}: input column '{ComponentsColumn(method, suffix)}' not found: add a find-degenerate-neurons "
                + $"step with method {KnowledgeNeuronColumns.MethodSuffix(method)} (and column suffix '{suffix}') "
                + "before it"
        );

    /// <summary>A getter of the row's DKN neurons under <paramref name="method"/>, distinct and ordered.</summary>
    public static Func<Neuron[]> Bind(DataViewRow row, string stage, ClusteringMethod method, string suffix)
    {
        var columns = Columns(row.Schema, stage, method, suffix)
            ?? throw new InvalidOperationException($"{stage}: no DKN columns bound");
        var read = BindMethod(row, method, columns);
        return () =>
        {
            var (isDkn, components) = read();
            return isDkn ? components.SelectMany(c => c).Distinct().Order().ToArray() : [];
        };
    }

    /// <summary>A getter of what <paramref name="method"/> reported for the row: whether it is a DKN (two components
    /// or more that passed the check) and every component it found, from the <paramref name="columns"/> that
    /// <see cref="Columns"/> chose (the typed record, or the text columns of a table).</summary>
    public static Func<(bool IsDkn, Neuron[][] Components)> BindMethod(
        DataViewRow row,
        ClusteringMethod method,
        string[] columns
    )
    {
        if (columns.Length == 1)
        {
            var getter = row.GetGetter<DknRecord>(row.Schema[columns[0]]);
            return () =>
            {
                DknRecord record = null!;
                getter(ref record);
                var m = record.Method(method);
                return (m is { IsDkn: true, Components.Length: >= 2 }, m?.Components ?? []);
            };
        }
        var components = RowText.Vector(row, columns[0]);
        var isDkn = row.GetGetter<bool>(row.Schema[columns[1]]);
        return () =>
        {
            bool value = false;
            isDkn(ref value);
            return (
                value,
                components()
                    .Select(c => c.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Neuron.Parse).ToArray())
                    .ToArray()
            );
        };
    }
}
