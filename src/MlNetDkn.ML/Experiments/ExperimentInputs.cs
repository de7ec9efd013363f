using Microsoft.ML;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;

namespace MlNetDkn.ML.Experiments;

/// <summary>A fact row as the experiments read it: the fact, its knowledge neurons and its DKN (all
/// components).</summary>
public sealed record ExperimentFact(FactRecord Fact, Neuron[] KnowledgeNeurons, Neuron[] Dkn);

/// <summary>
/// Reads the experiments' inputs: the fact columns, the knowledge neurons (<see cref="KnowledgeNeuronReader"/>) and
/// one DKN method's neurons (<see cref="DknReader"/>: the typed record of a find-degenerate-neurons stage of the same
/// chain, or the text columns of a table).
/// </summary>
internal static class ExperimentInputs
{
    public static RequiredColumn[] Required(string stage) => FactRowReader.Required(stage, FactColumns.Prompts);

    public static void Check(DataViewSchema schema, string stage, ClusteringMethod method, string suffix)
    {
        DknReader.Check(schema, stage, method, suffix);
        foreach (var c in Required(stage))
            c.Check(schema);
        KnowledgeNeuronReader.Check(schema, stage);
    }

    public static void Check(SchemaShape shape, string stage, ClusteringMethod method, string suffix)
    {
        DknReader.Check(shape, stage, method, suffix);
        foreach (var c in Required(stage))
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
        return Required(stage)
            .Select(c => c.Name)
            .Concat(DknReader.Columns(schema, stage, method, suffix)!)
            .Concat(KnowledgeNeuronReader.Columns(schema, stage)!)
            .Concat(FactRowReader.Optional(schema, FactColumns.Prompts))
            .Distinct()
            .ToList();
    }

    public static Func<ExperimentFact> Bind(DataViewRow row, string stage, ClusteringMethod method, string suffix)
    {
        var fact = FactRowReader.Bind(row, FactColumns.Prompts);
        var dkn = DknReader.Bind(row, stage, method, suffix);
        var neurons = KnowledgeNeuronReader.Bind(row, stage);
        return () => new ExperimentFact(fact(), neurons(), dkn());
    }

    public static string Key(ExperimentFact f) =>
        FactRowReader.Key(f.Fact)
        + "\u001d"
        + string.Join(",", f.KnowledgeNeurons)
        + "\u001d"
        + string.Join(",", f.Dkn);
}
