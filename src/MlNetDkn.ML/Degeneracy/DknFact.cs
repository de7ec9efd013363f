using MlNetDkn.Degeneracy;
using MlNetDkn.ML.Internal;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>One fact's DKN acquisition in column form.</summary>
public sealed class DknFact
{
    internal DknFact(DknRecord record) => Record = record;

    /// <summary>The fact's record in the DKN store: every method's DKN and components.</summary>
    public DknRecord Record { get; }

    static string[] Components(DknMethodRecord? m) =>
        m?.Components.Select(c => string.Join(";", c.Select(n => n.ToString()))).ToArray() ?? [];

    internal static IReadOnlyList<OutputColumn<DknFact>> Columns(DegenerateNeuronStageOptions options)
    {
        var columns = new List<OutputColumn<DknFact>>
        {
            OutputColumns.Text<DknFact>(KnowledgeNeuronColumns.DknMethod + options.ColumnSuffix, _ =>
                options.PrimaryMethod.ToString()
            ),
            OutputColumns.Single<DknFact>(KnowledgeNeuronColumns.DknBaselineProbability + options.ColumnSuffix, f =>
                f.Record.BaselineProbability
            ),
            OutputColumns.Single<DknFact>(KnowledgeNeuronColumns.DknFiniteEdges + options.ColumnSuffix, f =>
                f.Record.FiniteEdges
            ),
            OutputColumns.Record<DknFact, DknRecord>(
                KnowledgeNeuronColumns.DknRecord + options.ColumnSuffix,
                DknRecordDataViewType.Instance,
                f => f.Record
            ),
        };
        columns.AddRange(MethodColumns(options.PrimaryMethod, name => name + options.ColumnSuffix));
        foreach (var method in options.Dkn.Dkn.Methods)
            columns.AddRange(
                MethodColumns(method, name => KnowledgeNeuronColumns.ForMethod(name, method) + options.ColumnSuffix)
            );
        return columns;
    }

    static IEnumerable<OutputColumn<DknFact>> MethodColumns(ClusteringMethod method, Func<string, string> name)
    {
        DknMethodRecord? M(DknFact f) => f.Record.Method(method);
        return
        [
            OutputColumns.Boolean<DknFact>(name(KnowledgeNeuronColumns.IsDkn), f =>
                M(f) is { IsDkn: true } m && m.Components.Length >= 2
            ),
            OutputColumns.TextVector<DknFact>(name(KnowledgeNeuronColumns.DknComponents), f => Components(M(f))),
            OutputColumns.Single<DknFact>(name(KnowledgeNeuronColumns.DknComponentCount), f =>
                M(f)?.Components.Length ?? 0
            ),
            OutputColumns.Single<DknFact>(name(KnowledgeNeuronColumns.DknJointDrop), f =>
                M(f)?.JointDrop ?? double.NaN
            ),
            OutputColumns.Single<DknFact>(name(KnowledgeNeuronColumns.DknWorstSubsetDrop), f =>
                M(f)?.WorstProperSubsetDrop ?? double.NaN
            ),
            OutputColumns.Text<DknFact>(name(KnowledgeNeuronColumns.DknRejection), f => M(f)?.Rejection ?? ""),
            OutputColumns.Single<DknFact>(name(KnowledgeNeuronColumns.DknCandidateCount), f =>
                M(f)?.Candidates.Length ?? 0
            ),
            OutputColumns.SingleVector<DknFact>(name(KnowledgeNeuronColumns.DknSubsetSizes), f =>
                M(f)?.Subsets.Select(s => (double)s.Size).ToArray() ?? []
            ),
            OutputColumns.SingleVector<DknFact>(name(KnowledgeNeuronColumns.DknSubsetChanges), f =>
                M(f)?.Subsets.Select(s => -s.RelativeDrop).ToArray() ?? []
            ),
            OutputColumns.Single<DknFact>(name(KnowledgeNeuronColumns.DknFullChange), f =>
                M(f)?.FullSetDrop is double d ? -d : double.NaN
            ),
            OutputColumns.Single<DknFact>(name(KnowledgeNeuronColumns.DknRecheckHolds), f =>
                M(f)?.Recheck is { } r ? (r.Holds ? 1 : 0) : double.NaN
            ),
        ];
    }
}
