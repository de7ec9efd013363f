using MlNetDkn.Attribution.Agreement;
using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Pipelines.Variants;

namespace MlNetDkn.Columns;

public static partial class ColumnDictionary
{
    /// <summary>The column suffix of each DKN method in results.csv (<c>is_dkn_kmeans</c>), as the ML.NET stage
    /// names them.</summary>
    public static IReadOnlyDictionary<ClusteringMethod, string> MethodSuffixes { get; } =
        new Dictionary<ClusteringMethod, string>
        {
            [ClusteringMethod.Ntc] = "ntc",
            [ClusteringMethod.Hierarchical] = "hierarchical",
            [ClusteringMethod.Dbscan] = "dbscan",
            [ClusteringMethod.KMeans] = "kmeans",
            [ClusteringMethod.SrcPairs] = "src_pairs",
            [ClusteringMethod.NtcPersistence] = "ntc_persistence",
            [ClusteringMethod.RandomPartition] = "random_partition",
            [ClusteringMethod.Functional] = "functional",
        };

    static Meanings PlantedMeanings(bool perFact = false) =>
        new()
        {
            { "method", "The scored DKN columns: method suffix and the DKN step's column suffix (`kmeans_authors`)." },
            { "degenerate_facts", "Verified planted degenerate facts (the positives)." },
            { "other_facts", "Verified additive and single facts (must stay negative)." },
            { "true_positives", "Degenerate facts the method reports as DKNs." },
            { "false_positives", "Other facts the method reports as DKNs." },
            { "false_negatives", "Degenerate facts the method misses." },
            {
                "planted_components",
                perFact ? "Components planted in the fact." : "Components planted in the verified degenerate facts."
            },
            {
                "reported_components",
                perFact
                    ? "Components of the DKN the method reported for the fact."
                    : "Components of every DKN the method reported."
            },
            {
                "matched_components",
                (perFact ? "Planted components of the fact" : "Planted components")
                    + " matched by a reported one: one-to-one, Jaccard ≥ 0.5, best pairs first.",
                "",
                perFact ? "0 when the method reports no DKN" : ""
            },
            { "component_recall", "matched_components / planted_components.", Share, "NaN when nothing was planted" },
            {
                "component_precision",
                "matched_components / reported_components.",
                Share,
                "NaN when nothing was reported"
            },
            { "exact_matches", "Detected degenerate facts whose reported components are exactly the planted ones." },
            {
                "neuron_jaccard",
                "Mean over the detected degenerate facts of the Jaccard similarity of the reported DKN's "
                    + "neurons and the planted neurons.",
                Share,
                "NaN when none was detected"
            },
            {
                "unverified_facts",
                "Facts left out of every count because their planted truth did not hold on the built " + "model."
            },
            {
                "component_jaccard",
                "Mean over the planted components of detected degenerate facts of the best Jaccard "
                    + "similarity with a reported component (1: recovered exactly).",
                Share,
                "NaN when no degenerate fact was detected"
            },
            {
                "seconds_per_fact",
                "Compute seconds per fact of the DKN step that produced the method (its candidates, "
                    + "every method and the re-check).",
                "seconds",
                "NaN when not recorded"
            },
            { "variants", "Planted variants pooled." },
            { "worst_precision", "The lowest precision of any variant.", Share },
            { "worst_recall", "The lowest recall of any variant.", Share },
            { "planted_kind", "The fact's planted kind: `degenerate`, `additive` or `single`." },
            { "verified", "1 when the fact's planted truth held on the built model." },
            { "is_dkn", "1 when the method reports a DKN for the fact." },
        };

    static IEnumerable<TableDoc> PlantedTables()
    {
        const string by = "the `score-planted` step (folder `planted/`)";
        yield return Record<PlantedMethodScore>(
            "planted_scores",
            by,
            "One row per scored method against the planted truth: detection and component " + "recovery.",
            PlantedMeanings()
        );
        yield return Listed(
            "planted_facts",
            by,
            "One row per (planted fact, scored method).",
            "fact_id:t planted_kind:t method:t is_dkn:f planted_components:i reported_components:i "
                + "matched_components:i verified:f",
            PlantedMeanings(perFact: true)
        );
        const string sweep = "a run of a pipeline with variants (run folder), from every variant's `planted_scores`";
        yield return Record<PlantedVariantScore>(
            PlantedBenchmark.VariantsTable,
            sweep,
            "One row per (variant, method): the planted score of each planted model.",
            PlantedMeanings()
        );
        yield return Record<PlantedBenchmarkRow>(
            PlantedBenchmark.SummaryTable,
            sweep,
            "One row per method over every planted variant: counts pooled, worst variant beside " + "them.",
            PlantedMeanings()
        );
    }

    static IEnumerable<TableDoc> SweepTables()
    {
        const string by = "a run of a pipeline with variants (run folder), from the variants' manifests";
        var sweep = new Meanings
        {
            { "variant", "The variant's name." },
            { "description", "The variant's description." },
            { "set", "The option overrides of the variant, `key=value` separated by spaces." },
            { "status", "The variant run's status (`completed`, `reused`, `failed`, ...).", "", "`not run`" },
            { "section", "The manifest section of the value: `run`, `dataset`, `model`, `fit`, or a step's label." },
            { "key", "The value's key within its section, path parts joined by `.`." },
            { "value", "The number (booleans as 1/0).", "", "NaN for a text value" },
            { "text", "The value when it is text.", "", "empty for a number" },
            { "dkn_step", "The DKN step's label (its folder)." },
            { "method", "The DKN method." },
            { "train_accuracy", "Accuracy on the training prompts (from evaluate-accuracy, else the trainer).", Share },
            { "heldout_accuracy", "Accuracy on held-out paraphrases.", Share, "NaN when not measured" },
            { "training_seconds", "Training time of the model.", "seconds", "NaN when not recorded" },
            { "parameters", "Parameters of the model." },
            { "knowledge_neurons_per_fact", "Mean knowledge neurons per fact." },
            { "layers_per_fact", "Mean distinct layers of a fact's knowledge neurons." },
            { "facts_in_one_layer", "Facts whose knowledge neurons lie in one layer." },
            { "facts", "Facts the method ran on.", "", "NaN when not recorded" },
            { "share_ci_low", "Lower end of the 95 % Wilson interval of share_with_dkn.", Share, "NaN when facts = 0" },
            {
                "share_ci_high",
                "Upper end of the 95 % Wilson interval of share_with_dkn.",
                Share,
                "NaN when facts = 0"
            },
            { "components_per_dkn", "Mean components per DKN.", "", "NaN when no DKN" },
            { "candidates_per_fact", "Mean candidate clusters per fact." },
            { "joint_drop_facts", "Facts where the joint drop was measured." },
            {
                "joint_drop",
                "The step's mean joint drop over the facts where it was measured (as " + "`dkn_summary.joint_drop`).",
                DropUnit,
                "NaN when measured for no fact"
            },
            {
                "worst_proper_subset_drop",
                "The step's mean worst proper-subset drop (as " + "`dkn_summary.worst_proper_subset_drop`).",
                DropUnit,
                "NaN when measured for no fact"
            },
            {
                "proper_subset_change",
                "The step's mean proper-subset change over facts with a DKN (as "
                    + "`dkn_summary.proper_subset_change`).",
                ChangeUnit,
                "NaN when no DKN"
            },
            {
                "full_set_change",
                "The step's mean full-set change over facts with a DKN (as " + "`dkn_summary.full_set_change`).",
                ChangeUnit,
                "NaN when no DKN"
            },
            { "neurons_per_component", "Mean neurons per component over the DKNs.", "", "NaN when no DKN" },
            { "layers_per_dkn", "Mean distinct layers per DKN.", "", "NaN when no DKN" },
        };
        var wide = Listed(
            VariantComparison.WideTable,
            by,
            "One row per variant: every numeric value its run recorded, side by side.",
            "variant:t description:t set:t status:t",
            sweep
        );
        yield return wide with
        {
            Columns =
            [
                .. wide.Columns,
                Pattern(
                    "<section>.<key>",
                    @"[^.]+\..+",
                    ColumnKind.Number,
                    new(
                        "A number the variant's manifest recorded: section (`run`, `dataset`, `model`, `fit`, or a "
                            + "step's "
                            + "label) and key path; distributions by `.mean` and `.count` (the spread is in "
                            + "`variants_long`).",
                        "as the manifest's value (seconds, counts, shares, drops)",
                        "NaN where the variant lacks it"
                    )
                ),
            ],
        };
        yield return Listed(
            VariantComparison.LongTable,
            by,
            "One row per (variant, section, key) of every value.",
            "variant:t section:t key:t value:n text:t",
            sweep
        );
        yield return Listed(
            VariantComparison.DknTable,
            by,
            "One row per (variant, DKN step, method): the model beside the method's DKNs.",
            "variant:t dkn_step:t method:t train_accuracy:n heldout_accuracy:n training_seconds:n parameters:n "
                + "knowledge_neurons_per_fact:n layers_per_fact:n facts_in_one_layer:n facts:n facts_with_dkn:n "
                + "share_with_dkn:n share_ci_low:n share_ci_high:n components_per_dkn:n neurons_per_component:n "
                + "layers_per_dkn:n candidates_per_fact:n joint_drop:n joint_drop_facts:n worst_proper_subset_drop:n "
                + "worst_proper_subset_drop_facts:n proper_subset_change:n full_set_change:n",
            sweep,
            "Every value is the mean the variant's DKN step recorded over facts; NaN where the variant lacks it."
        );
    }

    static IEnumerable<TableDoc> AgreementTables()
    {
        const string by = "the `dkn agreement` command (its output folder)";
        var agreement = new Meanings
        {
            { "variant", "The attribution variant compared with the reference." },
            { "prompt_index", "Index of the prompt in the fact's prompt list.", "from 0" },
            { "top_overlap10", "Share of the reference's 10 highest-scored neurons among the variant's 10.", Share },
            { "top_overlap50", "The same for the 50 highest.", Share },
            { "spearman", "Spearman rank correlation of the variant's and the reference's scores.", "[−1, 1]" },
            { "objective_difference", "Variant's objective minus the reference's.", "units of the objective" },
            { "seconds", "The variant's compute time for the prompt.", "seconds" },
            { "reference_seconds", "The reference's compute time for the prompt.", "seconds" },
            { "reference_knowledge_neurons", "The reference's knowledge neurons of the fact." },
            { "knowledge_neurons", "The variant's knowledge neurons of the fact." },
            { "knowledge_neuron_jaccard", "Jaccard similarity of the two knowledge-neuron sets.", Share },
            { "reference_has_dkn", "1 when the reference finds a DKN for the fact." },
            { "has_dkn", "1 when the variant finds a DKN for the fact." },
            { "dkn_jaccard", "Jaccard similarity of the two DKNs' neurons.", Share, "NaN when neither has a DKN" },
            { "preset", "The variant's attribution preset." },
            { "d_type", "The variant's floating-point type." },
            { "steps", "Integration steps of the variant." },
            { "spearman_min", "The smallest Spearman correlation over prompts.", "[−1, 1]" },
            { "dkn_agreement", "Share of facts where the DKN verdict (has one or not) agrees.", Share },
            { "dkn_facts_reference", "Facts with a DKN under the reference." },
            { "dkn_facts", "Facts with a DKN under the variant." },
            { "seconds_per_prompt", "The variant's mean compute time per prompt.", "seconds" },
            { "reference_seconds_per_prompt", "The reference's mean compute time per prompt.", "seconds" },
            { "speedup", "reference_seconds_per_prompt / seconds_per_prompt.", "ratio; > 1: the variant is faster" },
            {
                "verdict",
                "`same sets`, `close` (mean Jaccard ≥ 0.8 and DKN verdict agreeing on ≥ 90 % of facts) or "
                    + "`differs`."
            },
        };
        yield return Record<VariantAgreementRow>(
            "agreement",
            by,
            "One row per attribution variant against the reference, over every prompt and fact.",
            agreement,
            "Intervals (`*_low`/`*_high`): 95 % percentile bootstrap over prompts or facts."
        );
        yield return Record<FactAgreementRow>(
            "agreement_facts",
            by,
            "One row per (variant, fact): knowledge neurons and DKN against the reference.",
            agreement
        );
        yield return Record<PromptAgreementRow>(
            "agreement_prompts",
            by,
            "One row per (variant, prompt): scores against the reference.",
            agreement
        );
    }
}
