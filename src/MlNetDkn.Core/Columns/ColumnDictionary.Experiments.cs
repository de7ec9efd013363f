using MlNetDkn.Experiments.Evolvability;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.Experiments.Robustness;
using MlNetDkn.Metrics.Tables;
using Robust = MlNetDkn.Metrics.Tables.RobustnessTables;

namespace MlNetDkn.Columns;

public static partial class ColumnDictionary
{
    const string LogDiff = "difference of natural-log probabilities";
    const string Interaction =
        "[P_c(Q*) − P_c(Q)] − [P(Q*) − P(Q)]: how much more the condition's suppression "
        + "lowers P(answer) on the perturbed query Q* than on the clean query Q (negative: it "
        + "lowers it more)";
    const string Bootstrap =
        "Intervals: 95 % percentile bootstrap over facts (2000 resamples, seeded); p-values: "
        + "two-sided paired t-test.";

    const string Kinds =
        "`replace` (a word becomes `[REPLACED]`), `add` (`[ADDED]` inserted), `delete`, "
        + "`replace-word` / `add-word` (a real word of the dataset), `paraphrase` (another prompt)";

    static Meanings PerturbationMeanings(bool drawn) =>
        new()
        {
            {
                "index",
                drawn
                    ? "Number of this perturbation of the fact for its kind."
                    : "Number of the perturbed prompt in the experiment's score rows (0 is the clean prompt).",
                drawn ? "from 0" : "from 1"
            },
            { "kind", $"The perturbation kind: {Kinds}." },
            { "clean", "The clean prompt the perturbation was drawn from." },
            { "perturbed", "The perturbed prompt." },
            {
                "word_index",
                "Index (in the clean prompt's whitespace words) of the word replaced or deleted, or the "
                    + "insertion index of an added word.",
                "from 0",
                "−1 for a paraphrase or when nothing could be changed"
            },
            { "word", "The clean prompt's word that was replaced or deleted.", "", "empty otherwise" },
            {
                "replacement",
                "What was put in: the marker, the real word, or the paraphrase.",
                "",
                "empty for a deletion"
            },
            { "hits_subject", "1 when the word hit (or the insertion point) lies inside the subject's words." },
            {
                "changed",
                "1 when the perturbed prompt differs from the clean one.",
                "",
                "0: the prompt was too short to perturb (the authors' code then leaves it unchanged)"
            },
        };

    static IEnumerable<TableDoc> RobustnessTables()
    {
        yield return Record<PerturbationRow>(
            "drawn_perturbations",
            "the `perturb-queries` step (run folder)",
            "Every perturbed query the step drew and added to the dataset.",
            PerturbationMeanings(drawn: true)
        );
        yield return Record<PerturbationRow>(
            Robust.Perturbations,
            "the `suppress-under-perturbation` (`r1/`) and `enhance-on-failures` (`r2/`) steps",
            "Every perturbed query the experiment used (what was hit, whether it was the subject).",
            PerturbationMeanings(drawn: false)
        );
        const string r1 = "the `suppress-under-perturbation` step (R1, folder `r1/`)";
        yield return Record<SuppressionFactRow>(
            Robust.R1Facts,
            r1,
            "R1 per (fact, route, perturbation kind, condition): means over the fact's perturbations of that kind "
                + "and the condition's random draws.",
            new()
            {
                { "perturbations", "Perturbed queries of the fact of this kind." },
                { "hits_subject", "Share of those perturbations that changed a word of the subject.", Share },
                { "p_clean", "P(answer) on the clean query, P(Q).", Probability },
                { "p_perturbed", "P(answer) on the perturbed query, P(Q*).", Probability },
                {
                    "p_intervene_clean",
                    "P(answer) on the clean query with the condition's neurons suppressed, P_c(Q).",
                    Probability
                },
                {
                    "p_intervene_perturbed",
                    "P(answer) on the perturbed query with the condition's neurons suppressed, " + "P_c(Q*).",
                    Probability
                },
                { "interaction", "The interaction in probability.", Interaction, "0 for the condition `none`" },
                {
                    "interaction_log_p",
                    "The same interaction in log P.",
                    LogDiff + "; negative: lowered more",
                    "0 for the condition `none`"
                },
            }
        );
        yield return Record<SuppressionSummaryRow>(
            Robust.R1Summary,
            r1,
            "R1 over facts per (route, perturbation kind, condition).",
            new()
            {
                { "facts", "Facts in the row (the unit and denominator of every interval)." },
                { "p_clean", "Mean over facts of P(Q).", Probability },
                { "p_perturbed", "Mean over facts of P(Q*).", Probability },
                { "p_intervene_clean", "Mean over facts of P_c(Q).", Probability },
                { "p_intervene_perturbed", "Mean over facts of P_c(Q*).", Probability },
                { "interaction", "Mean over facts of the interaction in probability.", Interaction },
                { "interaction_p", "p-value of interaction ≠ 0.", Probability, "NaN with fewer than two facts" },
                { "interaction_log_p", "Mean over facts of the interaction in log P.", LogDiff },
                {
                    "interaction_log_pp",
                    "p-value of interaction_log_p ≠ 0.",
                    Probability,
                    "NaN with fewer than two facts"
                },
                {
                    "change_percent",
                    "The authors' ΔProb (%): 100·(mean P_c(Q*) − mean P_c(Q)) / mean P_c(Q) over all "
                        + "facts (for `none`: P).",
                    "percent; negative: P lower on the perturbed query",
                    "NaN when mean P_c(Q) = 0"
                },
                {
                    "authors_filtered_change_percent",
                    "The same, averaged the authors' way: each mean only over the facts "
                        + "whose value is 0 or below the cut-off (1e-5 activations, 1e-6 "
                        + "weights). Outcome-filtered: for comparison only.",
                    "percent, sign as change_percent",
                    "NaN when no fact is kept"
                },
                { "authors_filtered_facts_clean", "Facts kept for the clean mean of the authors' filter." },
                { "authors_filtered_facts_perturbed", "Facts kept for the perturbed mean of the authors' filter." },
            },
            Bootstrap
        );
        yield return Record<ConditionContrastRow>(
            Robust.R1Contrasts,
            r1,
            "R1 paired contrasts over facts: the first condition's interaction minus the second's, per fact.",
            new()
            {
                { "facts", "Facts with both conditions (the unit of the interval)." },
                {
                    "mean_difference_log_p",
                    "Mean over facts of the difference of the interactions in log P.",
                    LogDiff + "; negative: the first condition lowers P on Q* more than its control"
                },
                {
                    "ci_low",
                    "Lower end of the 95 % interval of mean_difference_log_p.",
                    "",
                    "NaN with fewer than two facts"
                },
                {
                    "ci_high",
                    "Upper end of the 95 % interval of mean_difference_log_p.",
                    "",
                    "NaN with fewer than two facts"
                },
                {
                    "p_value",
                    "Paired t-test of mean_difference_log_p = 0.",
                    Probability,
                    "NaN with fewer than two facts"
                },
                { "mean_difference_p", "The same difference in probability.", "probability difference, sign as above" },
                {
                    "p_value_p",
                    "Paired t-test of mean_difference_p = 0.",
                    Probability,
                    "NaN with fewer than two facts"
                },
            },
            Bootstrap
        );
        const string r2 = "the `enhance-on-failures` step (R2, folder `r2/`)";
        yield return Record<EnhancementUnitRow>(
            Robust.R2Queries,
            r2,
            "R2 per failed perturbed query, route and condition: enhancing (×2) the condition's neurons, means over "
                + "random draws.",
            new()
            {
                { "perturbation", "Number of the failed perturbed query (`index` in `perturbations`).", "from 1" },
                {
                    "correct",
                    "Share of draws under which the model answers the perturbed query (greedy on the gold "
                        + "tokens, or the authors' generation check when it ran).",
                    Share
                },
                {
                    "delta_log_p",
                    "Change of log P(answer) on the perturbed query with the neurons enhanced.",
                    LogDiff + "; positive: P rose"
                },
                { "clean_delta_log_p", "Collateral on the clean query: change of its log P(answer).", LogDiff },
                { "clean_correct", "Share of draws under which the clean query is still answered.", Share },
                {
                    "unrelated_delta_log_p",
                    "Collateral on unrelated facts: mean change of their log P(answer).",
                    LogDiff,
                    "NaN without unrelated facts"
                },
                {
                    "unrelated_accuracy_change",
                    "Collateral on unrelated facts: change of their accuracy.",
                    "difference of shares in [−1, 1]",
                    "NaN without unrelated facts"
                },
            }
        );
        yield return Record<EnhancementSummaryRow>(
            Robust.R2Summary,
            r2,
            "R2 over the failed perturbed queries per (route, perturbation kind, condition).",
            new()
            {
                { "queries", "Failed perturbed queries (the unit, and the trial count of the accuracy's interval)." },
                { "facts", "Facts those queries belong to." },
                { "draws", "Draws per query (1 for a fixed set)." },
                { "observations", "queries × draws (shown, never used as the trial count)." },
                { "correct", "Σ over queries of the share of draws that answer (a whole count for a fixed set)." },
                { "accuracy", "correct / queries after enhancement.", Share, "NaN when queries = 0" },
                { "delta_log_p", "Mean over queries of the change of log P(answer).", LogDiff + "; positive: rose" },
                { "clean_delta_log_p", "Mean collateral change of log P on the clean queries.", LogDiff },
                { "clean_accuracy", "Mean share of the clean queries still answered.", Share },
                {
                    "unrelated_delta_log_p",
                    "Mean collateral change of log P on unrelated facts.",
                    LogDiff,
                    "NaN without unrelated facts"
                },
                {
                    "unrelated_accuracy_change",
                    "Mean collateral change of accuracy on unrelated facts.",
                    "difference of shares",
                    "NaN without unrelated facts"
                },
            },
            "Intervals: accuracy 95 % Wilson over queries; log P changes 95 % percentile bootstrap over queries."
        );
        yield return Record<EnhancementContrastRow>(
            Robust.R2Contrasts,
            r2,
            "R2 paired contrasts: per query, the first condition's accuracy minus the second's.",
            new()
            {
                { "queries", "Queries with both conditions." },
                { "facts", "Facts of those queries (the resampling unit)." },
                {
                    "accuracy_difference",
                    "Mean over queries of the difference of the shares answered.",
                    "difference of shares in [−1, 1]; positive: the first condition answers more"
                },
                {
                    "ci_low",
                    "Lower end of the 95 % interval of accuracy_difference.",
                    "",
                    "NaN with fewer than two facts"
                },
                {
                    "ci_high",
                    "Upper end of the 95 % interval of accuracy_difference.",
                    "",
                    "NaN with fewer than two facts"
                },
                { "delta_log_p_difference", "Mean over queries of the difference of the log P changes.", LogDiff },
                {
                    "delta_log_p_ci_low",
                    "Lower end of the 95 % interval of delta_log_p_difference.",
                    LogDiff,
                    "NaN with fewer than two facts"
                },
                {
                    "delta_log_p_ci_high",
                    "Upper end of the 95 % interval of delta_log_p_difference.",
                    LogDiff,
                    "NaN with fewer than two facts"
                },
            },
            "Intervals: 95 % percentile bootstrap resampling facts (a fact's queries move together)."
        );
    }

    static IEnumerable<TableDoc> ExperimentTables()
    {
        const string e1 = "the `fine-tune-neurons` step (E1/E2, folder `e1/`)";
        var runs = new Meanings
        {
            { "variant", "The neuron pool fine-tuned (`dkn`, `kn`, `random`, ...; see `e1_pools`)." },
            { "chosen", "1 when this learning rate is the one chosen for the variant on validation." },
            { "optimizer_steps", "Optimizer steps of the fine-tune." },
            { "final_loss", "Training loss of the last epoch.", "cross-entropy, nats" },
            { "validation_accuracy", "Accuracy on the validation part of the new facts.", Share },
            {
                "validation_retention_accuracy",
                "Accuracy on the validation retention facts.",
                Share,
                "NaN without validation retention facts"
            },
            {
                "score",
                "The learning-rate choice's score: validation_accuracy + retention weight × "
                    + "validation_retention_accuracy (accuracy alone without retention facts)."
            },
            { "new_queries", "Queries of the new (updated) facts, Q_new." },
            { "new_accuracy", "Accuracy on Q_new (prompts trained on).", Share },
            { "paraphrase_accuracy", "Accuracy on Q_au (held-out paraphrases of the new facts).", Share },
            { "retention_accuracy", "Accuracy on Q_old (unrelated facts that should be kept).", Share },
            { "new_probability", "Mean P(answer) on Q_new.", Probability },
            { "paraphrase_probability", "Mean P(answer) on Q_au.", Probability },
            { "retention_probability", "Mean P(answer) on Q_old.", Probability },
            { "model", "Folder of the saved fine-tuned model.", "", "empty when the model was not saved" },
            { "query_set", "The query set: `Q_new` (new facts), `Q_au` (their paraphrases), `Q_old` (retention)." },
            { "accuracy", "The fact's accuracy on the query set (share of its prompts answered).", Share },
            { "pool", "The neuron pool (`dkn`, `kn`, `random`, ...)." },
            { "neurons", "Neurons in the pool." },
            { "layers", "Neurons per layer, `layer:count;...`." },
            { "list", "The pool's neurons, `l:i;l:i`." },
            { "seeds", "Seeds averaged." },
            { "new_facts", "Facts of Q_new (denominator of new_accuracy)." },
            { "paraphrase_facts", "Facts of Q_au." },
            { "retention_facts", "Facts of Q_old." },
            {
                "mean_difference",
                "Mean over facts of the first variant's accuracy minus the second's.",
                "difference of shares; positive: the first variant answers more"
            },
            { "ci_low", "Lower end of the 95 % interval of mean_difference.", "", "NaN with fewer than two facts" },
            { "ci_high", "Upper end of the 95 % interval of mean_difference.", "", "NaN with fewer than two facts" },
            { "facts", "Facts of the query set (the unit)." },
        };
        yield return Listed(
            "e1_runs",
            e1,
            "One row per fine-tune (variant, learning rate, seed).",
            "variant:t learning_rate:n seed:i chosen:f trainable_parameters:i optimizer_steps:i final_loss:n "
                + "validation_accuracy:n validation_retention_accuracy:n score:n new_queries:i new_accuracy:n "
                + "paraphrase_accuracy:n retention_accuracy:n new_probability:n paraphrase_probability:n "
                + "retention_probability:n model:t",
            runs
        );
        yield return Record<FineTuneSummaryRow>(
            "e1_summary",
            e1,
            "One row per variant at its chosen learning rate, over seeds (facts as the unit).",
            runs,
            "Intervals: 95 % Wilson over facts (seeds and prompts averaged first)."
        );
        yield return Record<FineTuneContrastRow>(
            "e1_contrasts",
            e1,
            "Paired E1 contrasts per query set: per fact, the first variant's accuracy minus the second's.",
            runs,
            Bootstrap
        );
        yield return Listed(
            "e1_facts",
            e1,
            "One row per (fine-tune, query set, fact): the unit every E1 interval " + "is taken over.",
            "variant:t learning_rate:n seed:i chosen:f query_set:t fact_id:t accuracy:n",
            runs
        );
        yield return Listed(
            "e1_pools",
            e1,
            "The neuron pools fine-tuned, one row per pool.",
            "pool:t neurons:i layers:t list:t",
            runs
        );
        yield return Record<OverlapRow>(
            "e2_overlap",
            e1,
            "E2: each neuron set against the neurons the fine-tune changed, against the hypergeometric null.",
            new()
            {
                { "definition", "Which neurons count as changed (a relative-change cut, or the top k)." },
                { "set", "The neuron set compared (`dkn`, `kn`, ...)." },
                { "set_size", "|X|: neurons in the set (the denominator of share)." },
                { "changed", "|ΔN|: neurons that count as changed." },
                { "population", "N: every neuron of the model's MLPs." },
                { "overlap", "|X ∩ ΔN|." },
                { "share", "overlap / set_size.", Share },
                { "expected", "|ΔN| / N: the overlap share of a set drawn uniformly at random.", Share },
                { "p_enriched", "P(overlap ≥ observed) under the null.", Probability },
                { "p_depleted", "P(overlap ≤ observed) under the null.", Probability },
                {
                    "p_value",
                    "Two-sided: min(1, 2·min(p_enriched, p_depleted)).",
                    Probability,
                    "NaN when the definition is vacuous"
                },
                {
                    "direction",
                    "`enriched` or `depleted` (two-sided p < 0.05), `as expected`, or why the comparison "
                        + "is vacuous."
                },
                { "vacuous", "1 when every neuron (or none) counts as changed: any set overlaps as expected." },
                { "unit", "The unit: `neuron`." },
            }
        );
        const string r3 = "the `fact-check` step (R3, folder `r3/`)";
        var check = new Meanings
        {
            {
                "detector",
                "The detector: `dkn`, `kn`, `random` (neuron activations) or `probability`, `margin` "
                    + "(the model's output)."
            },
            {
                "threshold",
                "Decision threshold fitted on the validation split.",
                "units of the detector's score",
                "NaN when no threshold could be fitted"
            },
            { "direction", "+1: higher scores mean true (the authors' rule); −1: lower scores mean true." },
            { "test_facts", "Facts of the test split." },
            { "statements", "Statements scored on the test split (a true and a false one per fact)." },
            { "scored", "Statements with a score (a relation without a neuron set gives none)." },
            { "accuracy_facts", "Facts behind the accuracy's interval (its denominator)." },
            { "auc", "Area under the ROC curve on the test statements.", Share, "NaN when nothing was scored" },
            { "auprc", "Area under the precision-recall curve.", Share, "NaN when nothing was scored" },
            { "accuracy", "Share of test statements judged correctly.", Share, "NaN when nothing was scored" },
            { "authors_precision", "The authors' micro precision.", Share, "NaN when undefined" },
            { "authors_recall", "The authors' micro recall.", Share, "NaN when undefined" },
            { "authors_f1", "The authors' micro F1.", Share, "NaN when undefined" },
            {
                "undefined",
                "Why the detector's measures are NaN on this data (one class only, no threshold, "
                    + "nothing scored), in one line.",
                "",
                "empty when every measure is defined"
            },
            { "split", "The fact's fact-checking split (`train`, `validation`, `test`)." },
            { "is_true", "1 for the true statement (the answer), 0 for the false one (a false answer)." },
            { "answer", "The statement's answer (true or false)." },
            { "scores", "Every detector's score, `detector=score;...`." },
            { "training_facts", "Facts of the relation used to build the neuron sets." },
            { "dkn_neurons", "Neurons in the relation's DKN set." },
            { "knowledge_neurons", "Neurons in the relation's knowledge-neuron set." },
            { "random_neurons", "Neurons in the relation's random set." },
            { "dkn", "The relation's DKN neurons, `l:i;l:i`." },
            { "kn", "The relation's knowledge neurons, `l:i;l:i`." },
        };
        yield return Record<FactCheckMetricsRow>(
            "fact_check_metrics",
            r3,
            "One row per detector on the test split.",
            check,
            "Intervals: 95 % Wilson over facts (a fact's true and false statement averaged first)."
        );
        yield return Record<FactCheckStatementRow>("fact_check_statements", r3, "One row per scored statement.", check);
        yield return Listed(
            "fact_check_sets",
            r3,
            "The neuron sets per relation that the detectors read.",
            "relation_id:t training_facts:i dkn_neurons:i knowledge_neurons:i random_neurons:i dkn:t kn:t",
            check
        );
    }
}
