using MlNetDkn.Facts;

namespace MlNetDkn.Columns;

public static partial class ColumnDictionary
{
    /// <summary>The name of the per-fact table of the ML.NET chain.</summary>
    public const string ResultsName = "results";

    const string StepSuffix = "(?:_[a-z0-9_]+)?";
    const string Conditions = "dkn|kn|kn_minus_dkn|kn_subset|random_dkn|random_kn|random_kn_minus_dkn";

    static string MethodAlternatives => string.Join("|", MethodSuffixes.Values.OrderByDescending(s => s.Length));

    /// <summary>A DKN column of the find-degenerate-neurons step: per method (<c>name_&lt;method&gt;&lt;suffix&gt;</c>)
    /// and the step's primary method unsuffixed (<c>name&lt;suffix&gt;</c>).</summary>
    static IEnumerable<ColumnDoc> DknColumn(string name, ColumnKind kind, ColumnMeaning meaning) =>
        [
            Pattern($"{name}_<method><suffix>", $"{name}_(?:{MethodAlternatives}){StepSuffix}", kind, meaning),
            Pattern(
                $"{name}<suffix>",
                $"{name}{StepSuffix}",
                kind,
                meaning with
                {
                    Meaning = "The same for the step's primary method (see dkn_method<suffix>).",
                }
            ),
        ];

    static TableDoc ResultsTable()
    {
        var m = MeaningOf;
        var columns = new List<ColumnDoc>
        {
            new(FactColumns.FactId, ColumnKind.Text, m(FactColumns.FactId, null)),
            new(FactColumns.RelationId, ColumnKind.Text, m(FactColumns.RelationId, null)),
            new(FactColumns.Subject, ColumnKind.Text, m(FactColumns.Subject, null)),
            new(FactColumns.Answer, ColumnKind.Text, m(FactColumns.Answer, null)),
            new(
                FactColumns.Aliases,
                ColumnKind.JsonArray,
                new("Other strings accepted as the answer (dataset column).")
            ),
            new(FactColumns.Prompts, ColumnKind.JsonArray, new("The fact's prompts (dataset column).")),
            new(
                FactColumns.HeldoutPrompts,
                ColumnKind.JsonArray,
                new("Paraphrases never trained on (dataset column).")
            ),
            new(
                FactColumns.QuestionPrompts,
                ColumnKind.JsonArray,
                new("Question forms of the prompt (dataset column).")
            ),
            new(FactColumns.PerturbedPrompts, ColumnKind.JsonArray, new("Perturbed queries (dataset column).")),
            new(
                FactColumns.PerturbedKinds,
                ColumnKind.JsonArray,
                new("The kind of each perturbed query, parallel to perturbed_prompts (dataset column).")
            ),
            new(
                FactColumns.FalseAnswers,
                ColumnKind.JsonArray,
                new("Wrong answers, for fact checking (dataset column).")
            ),
            new(
                FactColumns.Date,
                ColumnKind.Text,
                new("When the fact holds (dataset column).", "", "empty for a timeless fact")
            ),
            new(FactColumns.Split, ColumnKind.Text, m(FactColumns.Split, null)),
            new(FactColumns.Source, ColumnKind.Text, new("Where the fact comes from (`synthetic`, `pararel`, ...).")),
            // evaluate-accuracy
            new(
                "prompt_accuracy",
                ColumnKind.Number,
                new(
                    "evaluate-accuracy: fraction of the fact's prompts whose " + "answer greedy decoding produces.",
                    Share
                )
            ),
            new(
                "heldout_accuracy",
                ColumnKind.Number,
                new("evaluate-accuracy: the same over held-out paraphrases.", Share, "NaN when the fact has none")
            ),
            new(
                "answer_log_probability",
                ColumnKind.Number,
                new(
                    "evaluate-accuracy: mean teacher-forced log P(answer) " + "over the fact's prompts.",
                    "natural log, ≤ 0"
                )
            ),
            // attribute-knowledge-neurons (or planted-neurons)
            new(
                "knowledge_neurons",
                ColumnKind.JsonArray,
                new(
                    "attribute-knowledge-neurons (or planted-neurons): the "
                        + "fact's refined knowledge neurons `l:i`, highest-ranked first.",
                    "",
                    "`[]` when none"
                )
            ),
            new(
                "knowledge_neuron_layers",
                ColumnKind.JsonArray,
                new("Each knowledge neuron's layer, parallel to knowledge_neurons.", "from 0")
            ),
            new(
                "knowledge_neuron_indices",
                ColumnKind.JsonArray,
                new("Each knowledge neuron's index in its layer, parallel to knowledge_neurons.", "from 0")
            ),
            new(
                "knowledge_neuron_scores",
                ColumnKind.JsonArray,
                new(
                    "Mean attribution score of each knowledge neuron "
                        + "over the prompts, parallel to knowledge_neurons.",
                    "units of the objective; 1 for planted neurons"
                )
            ),
            new(
                "knowledge_neuron_mask",
                ColumnKind.JsonObject,
                new(
                    "1 at every knowledge neuron of the fact, over all "
                        + "L·d_ff slots `l:i` (a JSON array when L·d_ff ≤ 64).",
                    "",
                    "slots not listed are 0"
                )
            ),
            new(
                "attribution_scores",
                ColumnKind.JsonObject,
                new(
                    "Mean stored attribution score of every neuron over "
                        + "the prompts (scores below the storage ratio of a prompt's maximum are 0), slots `l:i`.",
                    "units of the objective",
                    "slots not listed are 0"
                )
            ),
            new("knowledge_neuron_count", ColumnKind.Number, new("Number of knowledge neurons.")),
            new("answer_probability", ColumnKind.Number, m("answer_probability", null)),
            new("completeness_error", ColumnKind.Number, m("completeness_error", null)),
            new("max_completeness_error", ColumnKind.Number, m("max_completeness_error", null)),
            new("prompts_attributed", ColumnKind.Number, new("Number of prompts attributed.")),
            // find-degenerate-neurons
            Pattern(
                "dkn_method<suffix>",
                $"dkn_method{StepSuffix}",
                ColumnKind.Text,
                new(
                    "find-degenerate-neurons: the method (`KMeans`, `Functional`, ...) whose results fill the step's "
                        + "columns without a method suffix."
                )
            ),
            Pattern(
                "dkn_baseline_probability<suffix>",
                $"dkn_baseline_probability{StepSuffix}",
                ColumnKind.Number,
                new("P(answer) the functional check starts from (P0).", Probability)
            ),
            Pattern(
                "dkn_finite_edges<suffix>",
                $"dkn_finite_edges{StepSuffix}",
                ColumnKind.Number,
                new("Pairs of knowledge neurons with a real structural connection.", "", "0: nothing to cluster")
            ),
        };
        columns.AddRange(
            DknColumn(
                "is_dkn",
                ColumnKind.Boolean,
                new("A DKN with at least two components that passed the functional check.")
            )
        );
        columns.AddRange(
            DknColumn(
                "dkn_components",
                ColumnKind.JsonArray,
                new(
                    "The DKN's components, each an array of `[layer, index]` pairs (as `component_list` in dkn_facts).",
                    "",
                    "`[]` when none"
                )
            )
        );
        columns.AddRange(
            DknColumn("dkn_component_count", ColumnKind.Number, new("Number of components.", "", "0 when none"))
        );
        columns.AddRange(
            DknColumn(
                "dkn_joint_drop",
                ColumnKind.Number,
                new(
                    "Relative drop of P(answer) with every candidate suppressed together.",
                    DropUnit,
                    "NaN when not " + "measured"
                )
            )
        );
        columns.AddRange(
            DknColumn(
                "dkn_worst_subset_drop",
                ColumnKind.Number,
                new(
                    "The largest drop of a proper subset of the components under the strict check, DKN or not.",
                    DropUnit,
                    "NaN when not measured"
                )
            )
        );
        columns.AddRange(
            DknColumn(
                "dkn_rejection",
                ColumnKind.Text,
                new(
                    "Why the method's candidates are not a DKN, its kind before ':' (as in dkn_facts.rejection).",
                    "",
                    "empty for a DKN"
                )
            )
        );
        columns.AddRange(
            DknColumn("dkn_candidate_count", ColumnKind.Number, new("Candidate clusters before the functional check."))
        );
        columns.AddRange(
            DknColumn(
                "dkn_subset_sizes",
                ColumnKind.JsonArray,
                new("Size of each evaluated proper subset of the components.", "", "`[]` without a DKN")
            )
        );
        columns.AddRange(
            DknColumn(
                "dkn_subset_changes",
                ColumnKind.JsonArray,
                new(
                    "Relative change of P(answer) with each subset suppressed, parallel to dkn_subset_sizes.",
                    ChangeUnit,
                    "`[]` without a DKN"
                )
            )
        );
        columns.AddRange(
            DknColumn(
                "dkn_full_change",
                ColumnKind.Number,
                new(
                    "Relative change of P(answer) with the whole DKN suppressed.",
                    ChangeUnit,
                    "NaN when there is no DKN"
                )
            )
        );
        columns.AddRange(
            DknColumn(
                "dkn_recheck_holds",
                ColumnKind.Number,
                new(
                    "1 when the DKN held when re-checked by full recomputation, 0 when it did not.",
                    "",
                    "NaN when not re-checked"
                )
            )
        );
        columns.AddRange([
            Pattern(
                "r1_interaction_<condition>",
                $"r1_interaction_(?:{Conditions})",
                ColumnKind.Number,
                new(
                    "suppress-under-perturbation: the fact's mean interaction in log P under the condition "
                        + "(activations "
                        + "route, every perturbation kind; `-` in condition names written `_`).",
                    LogDiff + "; " + "negative: suppression lowers P more on the perturbed queries",
                    "NaN when the fact has no DKN or " + "no changed perturbation"
                )
            ),
            Pattern(
                "r1_interaction_weights_<condition>",
                $"r1_interaction_weights_(?:{Conditions})",
                ColumnKind.Number,
                new("The same on the weights route.", LogDiff, "NaN as above")
            ),
            new(
                "r2_failed_queries",
                ColumnKind.Number,
                new(
                    "enhance-on-failures: the fact's perturbed queries that " + "the model fails (the ones enhanced).",
                    "",
                    "0 when the fact was not selected"
                )
            ),
            Pattern(
                "r2_accuracy_<condition>",
                $"r2_accuracy_(?:{Conditions})",
                ColumnKind.Number,
                new(
                    "Share of the fact's failed queries answered after enhancing (×2) the condition's neurons "
                        + "(activations route).",
                    Share,
                    "NaN when the fact was not selected"
                )
            ),
            Pattern(
                "r2_accuracy_weights_<condition>",
                $"r2_accuracy_weights_(?:{Conditions})",
                ColumnKind.Number,
                new("The same on the weights route.", Share, "NaN when the fact was not selected")
            ),
            new(
                "fact_check_split",
                ColumnKind.Text,
                new("fact-check: the fact's fact-checking split (`train`, " + "`validation`, `test`).")
            ),
            Pattern(
                "fact_check_true_<detector>",
                "fact_check_true_[a-z0-9_]+",
                ColumnKind.Number,
                new(
                    "The detector's score of the true statement (see fact_check_metrics.detector).",
                    "units of the detector",
                    "NaN when the relation has no neuron set"
                )
            ),
            Pattern(
                "fact_check_false_<detector>",
                "fact_check_false_[a-z0-9_]+",
                ColumnKind.Number,
                new(
                    "The detector's score of the false statement.",
                    "units of the detector",
                    "NaN when the relation has no neuron set"
                )
            ),
            Pattern(
                "e1_probability_<variant>",
                "e1_probability_[a-z0-9_-]+",
                ColumnKind.Number,
                new(
                    "fine-tune-neurons: the fact's answer probability under the variant's saved fine-tuned model "
                        + "(retention of an old fact, or the old answer after an update).",
                    Probability,
                    "NaN when the variant's model was not saved"
                )
            ),
            new(
                "planted_kind",
                ColumnKind.Text,
                new("score-planted: the fact's planted kind (`degenerate`, " + "`additive`, `single`).")
            ),
        ]);
        return new TableDoc(
            ResultsName,
            "every pipeline run (run folder): the fitted ML.NET chain applied to the facts",
            "One row per fact: the dataset's columns and every column each step added.",
            columns
        )
        {
            Notes =
                "`<suffix>` is the DKN step's `column_suffix` option (empty by default; e.g. `_graph`), "
                + "`<method>` one of "
                + string.Join(", ", MethodSuffixes.Values.Select(v => $"`{v}`"))
                + "; every method the step ran gets its own columns, and its primary method's results are "
                + "repeated without the method suffix. `<condition>` is one of "
                + string.Join(", ", Conditions.Split('|').Select(c => $"`{c}`"))
                + ". Numbers of the chain are single precision (float); lists are JSON arrays in CSV.",
        };
    }
}
