using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.Metrics;

namespace MlNetDkn.ML.Evaluation;

/// <summary>
/// The Evaluate methods' work: read the stages' columns back and hand them to the same Core metrics the CLI's tables
/// are written from (<see cref="AttributionMetrics"/>, <see cref="DknMetrics"/>).
/// </summary>
internal static class StageEvaluation
{
    public static AttributionMetrics Attribution(IDataView data, bool completenessIsExact)
    {
        Require(
            data,
            KnowledgeNeuronColumns.KnowledgeNeuronCount,
            "EvaluateAttribution",
            "an AttributeKnowledgeNeurons stage"
        );
        var ids = Texts(data, FactColumns.FactId);
        var count = Singles(data, KnowledgeNeuronColumns.KnowledgeNeuronCount);
        var prompts = Singles(data, KnowledgeNeuronColumns.PromptsAttributed);
        var probability = Singles(data, KnowledgeNeuronColumns.AnswerProbability);
        var completeness = Singles(data, KnowledgeNeuronColumns.CompletenessError);
        var max = Singles(data, KnowledgeNeuronColumns.MaxCompletenessError);
        var layers = data.GetColumn<VBuffer<uint>>(KnowledgeNeuronColumns.KnowledgeNeuronLayers)
            .Select(v => v.DenseValues().Distinct().Count())
            .ToArray();
        var facts = ids.Select(
            (id, i) =>
                new AttributionFactSummary(id, (int)count[i], (int)prompts[i], probability[i], completeness[i], max[i])
                {
                    Layers = layers[i],
                }
        );
        return AttributionMetrics.Compute(facts, completenessIsExact);
    }

    public static DknMetrics Dkn(IDataView data, string suffix = "")
    {
        var methods = Enum.GetValues<ClusteringMethod>()
            .Where(m =>
                data.Schema.GetColumnOrNull(KnowledgeNeuronColumns.ForMethod(KnowledgeNeuronColumns.IsDkn, m) + suffix)
                    is not null
            )
            .ToList();
        if (methods.Count == 0)
            throw new DknInputException(
                $"EvaluateDegenerateNeurons: the data has no per-method DKN columns "
                    + $"('{KnowledgeNeuronColumns.IsDkn}_<method>'): add a FindDegenerateNeurons stage"
            );
        var ids = Texts(data, FactColumns.FactId);
        var outcomes = new List<DknOutcome>();
        foreach (var m in methods)
        {
            string C(string column) => KnowledgeNeuronColumns.ForMethod(column, m) + suffix;
            var components = Singles(data, C(KnowledgeNeuronColumns.DknComponentCount));
            var sizes = Vectors(data, C(KnowledgeNeuronColumns.DknSubsetSizes));
            var changes = Vectors(data, C(KnowledgeNeuronColumns.DknSubsetChanges));
            var full = Singles(data, C(KnowledgeNeuronColumns.DknFullChange));
            var recheck = Singles(data, C(KnowledgeNeuronColumns.DknRecheckHolds));
            var candidates = Singles(data, C(KnowledgeNeuronColumns.DknCandidateCount));
            var joint = Singles(data, C(KnowledgeNeuronColumns.DknJointDrop));
            var worst = Singles(data, C(KnowledgeNeuronColumns.DknWorstSubsetDrop));
            var rejection = Texts(data, C(KnowledgeNeuronColumns.DknRejection));
            var componentLists = data.GetColumn<VBuffer<ReadOnlyMemory<char>>>(C(KnowledgeNeuronColumns.DknComponents))
                .Select(v =>
                    v.DenseValues()
                        .Select(c =>
                            (IReadOnlyCollection<Neuron>)
                                c.ToString()
                                    .Split(';', StringSplitOptions.RemoveEmptyEntries)
                                    .Select(Neuron.Parse)
                                    .ToArray()
                        )
                        .ToList()
                )
                .ToArray();
            for (int i = 0; i < ids.Length; i++)
                outcomes.Add(
                    new DknOutcome(
                        ids[i],
                        m.ToString(),
                        components[i] >= 1,
                        (int)components[i],
                        sizes[i].Select(s => (int)s).ToArray(),
                        changes[i],
                        full[i],
                        double.IsNaN(recheck[i]) ? null : recheck[i] == 1
                    )
                    {
                        Candidates = (int)candidates[i],
                        JointDrop = joint[i],
                        WorstProperSubsetDrop = worst[i],
                        Rejection = rejection[i].Length == 0 ? null : rejection[i],
                        NeuronsPerComponent = DknOutcome.Shape(componentLists[i]).NeuronsPerComponent,
                        LayersSpanned = DknOutcome.Shape(componentLists[i]).Layers,
                    }
                );
        }
        return DknMetrics.Compute(outcomes);
    }

    static void Require(IDataView data, string column, string method, string stage)
    {
        if (data.Schema.GetColumnOrNull(column) is null)
            throw new DknInputException($"{method}: the data has no '{column}' column: add {stage}");
    }

    static string[] Texts(IDataView data, string name) =>
        data.GetColumn<ReadOnlyMemory<char>>(name).Select(v => v.ToString()).ToArray();

    // Columns are Single (trainer-ready), so metrics from them equal the tables' (computed in double) to float
    // precision.
    static double[] Singles(IDataView data, string name) =>
        data.GetColumn<float>(name).Select(v => (double)v).ToArray();

    static double[][] Vectors(IDataView data, string name) =>
        data.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().Select(x => (double)x).ToArray()).ToArray();
}
