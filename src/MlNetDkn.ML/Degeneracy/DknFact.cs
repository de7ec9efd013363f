using Microsoft.ML.Data;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML.Internal;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>One fact's DKN acquisition in column form.</summary>
internal sealed class DknFact(DknRecord record)
{
    public DknRecord Record { get; } = record;

    public DknMethodRecord? Method(ClusteringMethod method) =>
        Record.Methods.FirstOrDefault(m => m.Method == method.ToString());

    public static string[] Components(DknMethodRecord? m) =>
        m?.Components.Select(c => string.Join(";", c.Select(n => n.ToString()))).ToArray() ?? [];

    public static IReadOnlyList<OutputColumn<DknFact>> Columns(DknStageSettings settings)
    {
        var columns = new List<OutputColumn<DknFact>>
        {
            OutputColumns.Text<DknFact>(KnowledgeNeuronColumns.DknMethod, _ => settings.Method.ToString()),
            OutputColumns.Scalar<DknFact, float>(KnowledgeNeuronColumns.DknBaselineProbability, NumberDataViewType.Single, f => (float)f.Record.BaselineProbability),
        };
        columns.AddRange(MethodColumns(settings.Method, name => name));
        if (settings.PerMethodColumns)
            foreach (var method in settings.Options.Methods)
                columns.AddRange(MethodColumns(method, name => KnowledgeNeuronColumns.ForMethod(name, method)));
        return columns;
    }

    static IEnumerable<OutputColumn<DknFact>> MethodColumns(ClusteringMethod method, Func<string, string> name) =>
    [
        OutputColumns.TextVector<DknFact>(name(KnowledgeNeuronColumns.DknComponents), f => Components(f.Method(method))),
        OutputColumns.Scalar<DknFact, int>(name(KnowledgeNeuronColumns.DknComponentCount), NumberDataViewType.Int32, f => f.Method(method)?.Components.Length ?? 0),
        OutputColumns.Scalar<DknFact, bool>(name(KnowledgeNeuronColumns.IsDkn), BooleanDataViewType.Instance, f => f.Method(method)?.IsDkn ?? false),
        OutputColumns.Scalar<DknFact, float>(name(KnowledgeNeuronColumns.DknJointDrop), NumberDataViewType.Single, f => (float)(f.Method(method)?.JointDrop ?? double.NaN)),
    ];
}
