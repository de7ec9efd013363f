using Microsoft.ML;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;

namespace MlNetDkn.ML.Experiments;

/// <summary>A fact row as the experiments read it: the fact, its knowledge neurons and its DKN (all
/// components).</summary>
public sealed record ExperimentFact(FactRecord Fact, Neuron[] KnowledgeNeurons, Neuron[] Dkn);

/// <summary>
/// Reads the experiments' inputs: the fact columns, the knowledge neurons (key vectors from an attribution stage, or a
/// text vector "l:i") and one DKN method's components and is-DKN columns
/// (<c>dkn_components_&lt;method&gt;&lt;suffix&gt;</c>, <c>is_dkn_&lt;method&gt;&lt;suffix&gt;</c>, from a
/// find-degenerate-neurons stage; a fact that is not a DKN under that method, one-component sets included, has none).
/// </summary>
internal static class ExperimentInputs
{
    public static string DknColumn(ClusteringMethod method, string suffix) =>
        KnowledgeNeuronColumns.ForMethod(KnowledgeNeuronColumns.DknComponents, method) + suffix;

    public static string IsDknColumn(ClusteringMethod method, string suffix) =>
        KnowledgeNeuronColumns.ForMethod(KnowledgeNeuronColumns.IsDkn, method) + suffix;

    public static RequiredColumn[] Required(string stage, ClusteringMethod method, string suffix) =>
        [
            .. FactRowReader.Required(stage, FactColumns.Prompts),
            new(DknColumn(method, suffix), true, stage),
            new(
                IsDknColumn(method, suffix),
                stage,
                "Boolean",
                t => t is Microsoft.ML.Data.BooleanDataViewType,
                SchemaShape.Column.VectorKind.Scalar
            ),
        ];

    public static void Check(DataViewSchema schema, string stage, ClusteringMethod method, string suffix)
    {
        if (schema.GetColumnOrNull(DknColumn(method, suffix)) is null)
            throw new DknInputException(
                $"{stage}: input column '{DknColumn(method, suffix)}' not found: add a find-degenerate-neurons "
                    + $"step with method "
                    + $"{KnowledgeNeuronColumns.MethodSuffix(method)} (and column suffix '{suffix}') before it"
            );
        foreach (var c in Required(stage, method, suffix))
            c.Check(schema);
        KnowledgeNeuronReader.Check(schema, stage);
    }

    public static void Check(SchemaShape shape, string stage, ClusteringMethod method, string suffix)
    {
        foreach (var c in Required(stage, method, suffix))
            c.Check(shape);
    }

    public static IReadOnlyList<string> Names(
        DataViewSchema schema,
        string stage,
        ClusteringMethod method,
        string suffix
    )
    {
        Check(schema, stage, method, suffix);
        return Required(stage, method, suffix)
            .Select(c => c.Name)
            .Concat(KnowledgeNeuronReader.Columns(schema, stage)!)
            .Concat(FactRowReader.Optional(schema, FactColumns.Prompts))
            .Distinct()
            .ToList();
    }

    public static Func<ExperimentFact> Bind(DataViewRow row, string stage, ClusteringMethod method, string suffix)
    {
        var fact = FactRowReader.Bind(row, FactColumns.Prompts);
        var components = RowText.Vector(row, DknColumn(method, suffix));
        // A one-component set (possible under the authors' lenient rule) is not a DKN: such a fact has none.
        var isDknGetter = row.GetGetter<bool>(row.Schema[IsDknColumn(method, suffix)]);
        bool IsDkn()
        {
            bool v = false;
            isDknGetter(ref v);
            return v;
        }
        var neurons = KnowledgeNeuronReader.Bind(row, stage);
        return () =>
            new ExperimentFact(
                fact(),
                neurons(),
                !IsDkn()
                    ? []
                    : components()
                        .SelectMany(c => c.Split(';', StringSplitOptions.RemoveEmptyEntries))
                        .Select(Neuron.Parse)
                        .Distinct()
                        .Order()
                        .ToArray()
            );
    }

    public static string Key(ExperimentFact f) =>
        FactRowReader.Key(f.Fact)
        + "\u001d"
        + string.Join(",", f.KnowledgeNeurons)
        + "\u001d"
        + string.Join(",", f.Dkn);
}
