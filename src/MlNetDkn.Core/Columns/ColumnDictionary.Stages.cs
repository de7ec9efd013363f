using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Tables;
using MlNetDkn.Perturbation;
using MlNetDkn.Training;
using static MlNetDkn.Degeneracy.FunctionalCheck;

namespace MlNetDkn.Columns;

public static partial class ColumnDictionary
{
    const string TInterval =
        "Intervals: 95 % Student t over facts (one value per fact; facts are the unit of " + "replication).";

    static IEnumerable<TableDoc> AccuracyTables()
    {
        const string by = "the `evaluate-accuracy` step (folder `accuracy/`)";
        yield return Record<AccuracyRow>(
            Metrics.Tables.AccuracyTables.SummaryTable,
            by,
            "Answer accuracy per split and prompt kind (training prompts, held-out paraphrases).",
            new()
            {
                {
                    "prompt_kind",
                    $"`{PromptKinds.Prompts}` (the prompts trained on) or `{PromptKinds.Heldout}` "
                        + "(paraphrases never trained on)."
                },
                { "facts", "Facts of the split." },
                { "prompts", "Prompts of this kind over the split's facts." },
                {
                    "correct",
                    "Prompts whose whole answer greedy decoding produces (teacher-forced argmax at every "
                        + "answer token)."
                },
                { "accuracy", "correct / prompts.", Share, "NaN when prompts = 0" },
            }
        );
        yield return Record<FactAccuracy>(
            Metrics.Tables.AccuracyTables.FactsTable,
            by,
            "Answer accuracy of every fact on its prompts and held-out paraphrases.",
            new()
            {
                { "prompts", "The fact's prompts." },
                { "prompts_correct", "Prompts whose whole answer greedy decoding produces." },
                { "heldout", "The fact's held-out paraphrases." },
                { "heldout_correct", "Held-out paraphrases whose whole answer greedy decoding produces." },
                {
                    "mean_log_probability",
                    "Mean over the prompts of the teacher-forced log P(answer).",
                    "natural log, ≤ 0",
                    "NaN when the fact has no prompt"
                },
                { "prompt_accuracy", "prompts_correct / prompts.", Share, "NaN when prompts = 0" },
                {
                    "heldout_accuracy",
                    "heldout_correct / heldout.",
                    Share,
                    "NaN when the fact has no held-out paraphrase"
                },
            }
        );
    }

    static IEnumerable<TableDoc> AttributionTables()
    {
        const string by = "the `attribute-knowledge-neurons` step (folder `attribution/` by default)";
        yield return Record<PromptAttributionRow>(
            Metrics.Tables.AttributionTables.PromptsTable,
            by,
            "One row per attributed prompt of every fact: objective, completeness and the prompt's coarse "
                + "neurons.",
            new()
            {
                { "prompt_index", "Index of the prompt in the fact's prompt list.", "from 0" },
                { "answer_tokens", "Tokens of the answer the objective is aggregated over." },
                {
                    "objective",
                    "The attribution objective at the real activations (P, or log P), aggregated over "
                        + "answer tokens.",
                    "probability, or natural log of it, per the preset's objective"
                },
                { "max_score", "The largest attribution score of any neuron on the prompt.", "units of the objective" },
                {
                    "completeness_error",
                    "Relative completeness error of the prompt's attribution: the largest "
                        + "|completeness error| over layers relative to the largest "
                        + "|f(a) − f(baseline)| "
                        + "(a sum gap for the multiplier-a attribution).",
                    "ratio ≥ 0; 0 = exact"
                },
                {
                    "path_points",
                    "Points on the integration path: the most any answer token used (an adaptive "
                        + "rule's choice), else the preset's steps.",
                    "count",
                    "0 in results stored before " + "it was recorded"
                },
                { "coarse_neurons", "Neurons above the coarse threshold on this prompt (before refinement)." },
                { "coarse_list", "The coarse neurons, `l:i;l:i`.", "", "empty when none" },
                {
                    "seconds",
                    "Compute time of the prompt's attribution, as recorded when it was computed (a prompt "
                        + "reused from the store keeps its time).",
                    "seconds"
                },
            }
        );
        yield return Record<KnowledgeNeuronRow>(
            Metrics.Tables.AttributionTables.NeuronsTable,
            by,
            "One row per knowledge neuron of every fact (the refined set), most shared first.",
            new()
            {
                {
                    "rank",
                    "Rank of the neuron within the fact's knowledge neurons: by how many prompts share it, "
                        + "then by score.",
                    "from 0 (first)"
                },
                { "layer", "The neuron's layer.", "from 0" },
                { "index", "The neuron's index in its layer's MLP.", "from 0" },
                {
                    "score",
                    "Mean attribution score of the neuron over the prompts where it passed the coarse " + "threshold.",
                    "units of the objective"
                },
            }
        );
        yield return Record<AttributionFactRow>(
            Metrics.Tables.AttributionTables.FactsTable,
            by,
            "One row per fact: its knowledge neurons and how well the attribution held.",
            new()
            {
                { "prompts", "Prompts attributed." },
                { "knowledge_neurons", "Knowledge neurons after refinement across the prompts.", "", "0 when none" },
                { "layers", "Distinct layers the knowledge neurons lie in.", "", "0 when none" },
                { "neuron_list", "The knowledge neurons, `l:i;l:i`, in rank order.", "", "empty when none" },
            }
        );
        yield return Record<AttributionSummaryRow>(
            Metrics.Tables.AttributionTables.SummaryTable,
            by,
            "One row: the attribution over all facts of the step.",
            new()
            {
                { "facts_without_knowledge_neurons", "Facts with no knowledge neuron." },
                { "knowledge_neurons_mean", "Mean knowledge neurons per fact.", "", NoValues },
                { "knowledge_neurons_median", "Median knowledge neurons per fact.", "", NoValues },
                { "knowledge_neurons_max", "Most knowledge neurons of a fact.", "", NoValues },
                {
                    "layers_per_fact_mean",
                    "Mean distinct layers per fact's knowledge neurons (facts with any).",
                    "",
                    NoValues
                },
                { "facts_in_one_layer", "Facts whose knowledge neurons all lie in one layer." },
                { "answer_probability_mean", "Mean over facts of the fact's mean P(answer).", Probability, NoValues },
                {
                    "completeness_measure",
                    "What the completeness columns measure: `completeness error` for "
                        + "integrated gradients proper, a sum gap for the multiplier-a attribution."
                },
                {
                    "completeness_mean",
                    "Mean over facts of the fact's mean relative completeness error.",
                    "ratio ≥ 0; 0 = exact",
                    NoValues
                },
                { "completeness_median", "Median of the same.", "ratio ≥ 0", NoValues },
                { "completeness_p90", "90th percentile of the same.", "ratio ≥ 0", NoValues },
                { "completeness_max", "The largest relative completeness error of any prompt.", "ratio ≥ 0", NoValues },
            }
        );
    }

    static IEnumerable<TableDoc> DknTables()
    {
        const string by = "the `find-degenerate-neurons` step (folder `dkn/` by default)";
        var rejections = string.Join(
            ", ",
            new[]
            {
                Rejections.TooFewCandidates,
                Rejections.NoneDispensable,
                Rejections.SingleComponent,
                Rejections.TooFewDispensable,
                Rejections.TooFewSufficient,
                Rejections.ProperSubsetNecessary,
                Rejections.WholeSetDispensable,
            }.Select(r => $"`{r}`")
        );
        var stops = string.Join(
            ", ",
            new[]
            {
                KnockoutStops.AnswerLost,
                KnockoutStops.NothingFound,
                KnockoutStops.RoundLimit,
                KnockoutStops.CandidateLimit,
            }.Select(s => $"`{s}`")
        );
        yield return Record<DknFactRow>(
            Metrics.Tables.DknTables.FactsTable,
            by,
            "One row per (fact, method): what the method found and what suppressing it does.",
            new()
            {
                { "knowledge_neurons", "The fact's knowledge neurons (the input of clustering)." },
                { "candidates", "Candidate clusters before the functional check.", "", "0 when nothing to cluster" },
                { "components", "Components of the accepted set (the DKN when is_dkn = 1).", "", "0 when none" },
                {
                    "is_dkn",
                    "1 when the method found a DKN: at least two components that passed the functional " + "check."
                },
                {
                    "recheck_holds",
                    "Whether the DKN held when re-checked by full recomputation: 1 held, 0 failed.",
                    "",
                    "−1 = not re-checked"
                },
                {
                    "finite_edges",
                    "Pairs of knowledge neurons with a real structural connection.",
                    "",
                    "0: nothing to cluster"
                },
                {
                    "rejection",
                    $"Why the candidates are not a DKN: the kind ({rejections}), then ':' and details.",
                    "",
                    "empty for a DKN"
                },
                {
                    "component_list",
                    "The DKN's components as JSON: an array of components, each an array of " + "[layer, index] pairs.",
                    "",
                    "`[]` when none"
                },
                {
                    "knockout_rounds",
                    "Knockout rounds that produced the candidates.",
                    "",
                    "0 when the candidates were the knowledge neurons"
                },
                { "knockout_stop", $"Why knockout stopped ({stops}).", "", "empty when knockout was not used" },
                {
                    "knockout_drops",
                    "Smallest relative drop over the prompts after each knockout round, as a JSON "
                        + "array of numbers.",
                    DropUnit,
                    "`[]` when knockout was not used"
                },
            }
        );
        yield return Record<DknSummaryRow>(
            Metrics.Tables.DknTables.SummaryTable,
            by,
            "One row per method: how often it finds a DKN and what suppressing its parts does.",
            SummaryMeanings,
            TInterval
        );
        yield return Record<DegeneracyCurvePoint>(
            Metrics.Tables.DknTables.CurveTable,
            by,
            "The degeneracy curve: per (method, DKN size, subset size), the mean change of P(answer) with that many "
                + "components suppressed.",
            new()
            {
                { "components", "Components of the DKNs in the row (DKN size n)." },
                { "suppressed", "Components suppressed together (n = the whole DKN).", "1 … components" },
                { "facts", "Facts with a DKN of this size (the unit of the interval)." },
                { "subsets", "Subsets evaluated over those facts." },
                {
                    "mean_change",
                    "Relative change of P(answer), averaged per fact over its subsets of this size, then "
                        + "over facts.",
                    ChangeUnit
                },
                {
                    "ci_low",
                    "Lower end of the 95 % interval of mean_change.",
                    ChangeUnit,
                    "NaN with fewer than two facts"
                },
                {
                    "ci_high",
                    "Upper end of the 95 % interval of mean_change.",
                    ChangeUnit,
                    "NaN with fewer than two facts"
                },
            },
            TInterval
        );
        yield return Record<DegeneracyBySizeRow>(
            Metrics.Tables.DknTables.BySizeTable,
            by,
            "The paper's acquisition table per DKN size n: proper-subset and whole-set change per (method, n).",
            BySizeMeanings,
            TInterval
        );
        yield return Record<DknRelationRow>(
            Metrics.Tables.DknTables.RelationTable,
            by,
            "One row per (method, relation): how many facts have a DKN, their shape, and how knockout ended.",
            new()
            {
                { "facts", "The relation's facts." },
                { "components_per_dkn", "Mean components per DKN over the relation's DKNs.", "", "NaN when none" },
                { "neurons_per_dkn", "Mean neurons per DKN over the relation's DKNs.", "", "NaN when none" },
                { "layers_per_dkn", "Mean distinct layers per DKN over the relation's DKNs.", "", "NaN when none" },
                {
                    "knockout_rounds",
                    "Mean knockout rounds over the relation's facts.",
                    "",
                    "0 when the candidates were the knowledge neurons"
                },
                {
                    "answer_lost",
                    "Facts whose knockout ended with the answer lost (drop ≥ the lost-drop on every " + "prompt)."
                },
                {
                    "drop_after_knockout",
                    "Mean over facts of the smallest drop over the prompts after the last " + "knockout round.",
                    DropUnit,
                    "NaN when knockout was not used"
                },
            }
        );
        const string acquisition = "the pipeline after its last DKN step (run folder)";
        yield return Record<DknSummaryRow>(
            Metrics.Tables.DknTables.AcquisitionTable,
            acquisition,
            "Every DKN step's methods side by side on the same facts, one row per (step, method); columns as in "
                + "`dkn_summary`.",
            SummaryMeanings,
            TInterval
        );
        yield return Record<DegeneracyBySizeRow>(
            Metrics.Tables.DknTables.AcquisitionBySizeTable,
            acquisition,
            "Every DKN step's methods per DKN size n; columns as in `degeneracy_by_size`.",
            BySizeMeanings,
            TInterval
        );
    }

    static Meanings SummaryMeanings =>
        new()
        {
            { "facts", "Facts the method ran on." },
            {
                "single_component_sets",
                "Facts whose accepted set has one component (only possible under the authors' "
                    + "lenient rule): not a DKN."
            },
            { "mean_components", "Mean components per DKN.", "", "NaN when no DKN" },
            {
                "proper_subset_change",
                "Per fact, the mean relative change over its evaluated proper subsets; then the "
                    + "mean over facts with a DKN.",
                ChangeUnit,
                "NaN when no DKN"
            },
            {
                "full_set_change",
                "Relative change with the whole DKN suppressed, mean over facts with a DKN.",
                ChangeUnit,
                "NaN when no DKN"
            },
            { "mean_candidates", "Candidate clusters per fact before the check, mean over every fact.", "", NoValues },
            {
                "joint_drop",
                "Drop with every candidate suppressed together, DKN or not, mean over the facts where it was "
                    + "measured.",
                DropUnit,
                "NaN when measured for no fact"
            },
            { "rejections", "Facts per rejection kind, `kind=count; ...`.", "", "empty when every fact has a DKN" },
        };

    static Meanings BySizeMeanings =>
        new()
        {
            { "components", "The DKN size n: components of the DKNs in the row." },
            { "facts", "Facts whose DKN has n components." },
            {
                "proper_subset_change",
                "Per fact, the mean relative change over its proper subsets; then the mean over " + "the row's facts.",
                ChangeUnit
            },
            {
                "full_set_change",
                "Relative change with the whole DKN suppressed, mean over the row's facts.",
                ChangeUnit
            },
        };
}
