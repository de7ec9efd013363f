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
            for (int j = 0; j < n; j++)
                row.Add(result.Graph[i, j]);
            distances.Add(row);
        }
        var check = options.Check;
        return new JsonObject
        {
            ["preset"] = options.Preset,
            // Everything needed to re-check a reported DKN with other forward code.
            ["suppression"] = new JsonObject
            {
                ["site"] =
                    options.Site == NeuronSite.Post
                        ? "post (neuron output: the down projection's input)"
                        : "pre (MLP pre-activation: c_fc / gate_proj / dense_h_to_4h output)",
                ["operation"] = "multiply the listed neurons by 0",
                ["positions"] =
                    options.Probability == CheckProbability.AuthorsArgmaxFed
                        ? "the last position of each forward pass, the prompt growing by the model's argmax token "
                            + "per answer step"
                        : "the last prompt token and every answer token but the last (the positions that predict "
                            + "the answer, teacher-forced)",
                ["probability"] =
                    options.Probability == CheckProbability.AuthorsArgmaxFed
                        ? "argmax-fed product (the authors')"
                        : "teacher-forced P(answer tokens)",
            },
            ["check"] = new JsonObject
            {
                ["measure"] = check.Measure.ToString(),
                ["t_low"] = check.TLow,
                ["t_high"] = check.THigh,
                ["strict"] = check.Strict,
                ["proper_subsets"] = check.Strict && check.ProperSubsets,
                ["exhaustive_limit"] = check.ExhaustiveLimit,
                ["accept_negative_drops"] = check.AcceptNegativeDrops,
                ["min_components"] = check.MinComponents,
                ["prompt_aggregation"] = check.Aggregation.ToString(),
                ["definition"] = check.Strict
                    ? "every proper subset of the components suppressed drops the measure by less than t_low, all "
                        + "of them together by more than t_high"
                    : "each component alone drops the measure by less than t_low (the authors' lenient rule)",
            },
            ["finite_edges"] = result.FiniteEdges,
            ["knowledge_neurons"] = Neurons(result.KnowledgeNeurons),
            ["distance_matrix"] = distances,
            ["baseline_probability"] = result.BaselineProbability,
            ["methods"] = new JsonArray(
                result
                    .Methods.Select(m =>
                        (JsonNode)
                            new JsonObject
                            {
                                ["method"] = m.Method.ToString(),
                                ["clusters"] = new JsonArray(m.Candidates.Select(c => (JsonNode)Neurons(c)).ToArray()),
                                ["verdicts"] = new JsonArray(
                                    m.Check.Clusters.Select(v =>
                                            (JsonNode)
                                                new JsonObject
                                                {
                                                    ["cluster"] = Neurons(v.Cluster),
                                                    ["relative_drop"] = v.RelativeDrop,
                                                    ["probability"] = v.RelativeDrop is double d
                                                        ? result.BaselineProbability * (1 - d)
                                                        : null,
                                                    ["is_component"] = v.IsComponent,
                                                }
                                        )
                                        .ToArray()
                                ),
                                ["components"] = new JsonArray(m.Check.Dkn.Select(c => (JsonNode)Neurons(c)).ToArray()),
                                ["is_dkn"] = m.Check.IsDkn && m.Check.Dkn.Count >= 2,
                                ["rejection"] = m.Check.Rejection,
                                ["joint_drop"] = m.Check.JointDrop,
                                ["worst_proper_subset_drop"] = m.Check.WorstProperSubsetDrop,
                                ["joint_probability"] = m.Check.JointDrop is double j
                                    ? result.BaselineProbability * (1 - j)
                                    : null,
                                ["subsets"] = m.Evaluation is null
                                    ? null
                                    : new JsonArray(
                                        m.Evaluation.Subsets.Select(s =>
                                                (JsonNode)
                                                    new JsonObject
                                                    {
                                                        ["components"] = new JsonArray(
                                                            s.ComponentIndices.Select(i => (JsonNode)i).ToArray()
                                                        ),
                                                        ["relative_drop"] = s.RelativeDrop,
                                                    }
                                            )
                                            .ToArray()
                                    ),
                            }
                    )
                    .ToArray()
            ),
        };
    }

    static JsonArray Neurons(IEnumerable<Neuron> neurons) =>
        new(neurons.Select(x => (JsonNode)new JsonArray(x.Layer, x.Index)).ToArray());
}
