using System.Text.Json.Nodes;
using MlNetDkn.Degeneracy;

namespace MlNetDkn.Cli.Commands.Degeneracy;

/// <summary>JSON views of DKN results for `dkn degenerate --json`.</summary>
static class DknJson
{
    public static JsonObject Of(FactDknResult result, DknOptions options)
    {
        var n = result.KnowledgeNeurons.Count;
        var distances = new JsonArray();
        for (int i = 0; i < n; i++)
        {
            var row = new JsonArray();
            for (int j = 0; j < n; j++) row.Add(result.Graph[i, j]);
            distances.Add(row);
        }
        return new JsonObject
        {
            ["preset"] = options.Preset,
            ["knowledge_neurons"] = Neurons(result.KnowledgeNeurons),
            ["distance_matrix"] = distances,
            ["baseline_probability"] = result.BaselineProbability,
            ["methods"] = new JsonArray(result.Methods.Select(m => (JsonNode)new JsonObject
            {
                ["method"] = m.Method.ToString(),
                ["clusters"] = new JsonArray(m.Candidates.Select(c => (JsonNode)Neurons(c)).ToArray()),
                ["verdicts"] = new JsonArray(m.Check.Clusters.Select(v => (JsonNode)new JsonObject
                {
                    ["cluster"] = Neurons(v.Cluster), ["relative_drop"] = v.RelativeDrop,
                    ["probability"] = v.RelativeDrop is double d ? result.BaselineProbability * (1 - d) : null,
                    ["is_component"] = v.IsComponent,
                }).ToArray()),
                ["components"] = new JsonArray(m.Check.Dkn.Select(c => (JsonNode)Neurons(c)).ToArray()),
                ["is_dkn"] = m.Check.IsDkn,
                ["joint_drop"] = m.Check.JointDrop,
                ["joint_probability"] = m.Check.JointDrop is double j ? result.BaselineProbability * (1 - j) : null,
                ["subsets"] = m.Evaluation is null ? null : new JsonArray(m.Evaluation.Subsets.Select(s => (JsonNode)new JsonObject
                {
                    ["components"] = new JsonArray(s.ComponentIndices.Select(i => (JsonNode)i).ToArray()), ["relative_drop"] = s.RelativeDrop,
                }).ToArray()),
            }).ToArray()),
        };
    }

    static JsonArray Neurons(IEnumerable<Neuron> neurons) =>
        new(neurons.Select(x => (JsonNode)new JsonArray(x.Layer, x.Index)).ToArray());
}
