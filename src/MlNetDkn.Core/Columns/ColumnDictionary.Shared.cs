namespace MlNetDkn.Columns;

public static partial class ColumnDictionary
{
    const string Share = "share in [0, 1]";
    const string Probability = "probability in [0, 1]";
    const string DropUnit = "(P0 − P)/P0; positive: the answer's probability fell; 1: it reached 0";
    const string ChangeUnit = "(P − P0)/P0; negative: the answer's probability fell; −1: it reached 0";
    const string NoValues = "NaN when there is nothing to average";

    /// <summary>Columns that mean the same in every table that has them (a table's own meaning wins).</summary>
    static readonly Meanings Shared = new()
    {
        { "fact_id", "The fact's id, as in the dataset's `fact_id` (datasets/README.md)." },
        { "relation_id", "The fact's relation (Wikidata property such as `P19`, or a synthetic relation name)." },
        { "subject", "The subject entity as written in the prompts." },
        { "answer", "The fact's answer (the object), as the model should continue the prompt." },
        { "prompt", "The prompt text, ending right before the answer." },
        { "split", "The fact's split (`train`, `val`, `heldout`, ...)." },
        { "method", "The DKN acquisition method: a clustering method (`Ntc`, `KMeans`, ...) or `Functional`." },
        {
            "definition",
            "Which DKN step the row comes from, as `folder: preset, rule` (rule: `strict, <measure>, "
                + "<prompts checked>` or `lenient (the authors' rule)`)."
        },
        { "facts", "Facts in the row's group (the denominator of its shares and means)." },
        { "prompts", "Prompts in the row's group." },
        { "seconds", "Wall-clock compute time.", "seconds" },
        { "unit", "The unit of analysis behind the row's intervals (`fact`, `query`, `neuron`)." },
        {
            "route",
            "Where the intervention acts: `activations` (the neuron's activation is scaled during the "
                + "forward pass: ×0 to suppress, ×2 to enhance) or `weights` (the neuron's weights are)."
        },
        {
            "kind",
            "Perturbation kind of the queries (`replace`, `add`, `delete`, `replace-word`, `add-word`, "
                + "`paraphrase`), or `all` for every kind together."
        },
        {
            "condition",
            "Which neurons are intervened on: `none`, `dkn`, `kn` (knowledge neurons), `kn-minus-dkn`, "
                + "`kn-subset`, or a random control matched in size and layers (`random-dkn`, `random-kn`, "
                + "`random-kn-minus-dkn`)."
        },
        { "contrast", "The paired comparison, \"first − second\" condition or variant." },
        { "meaning", "What the contrast's control isolates, in words." },
        {
            "p_value",
            "Two-sided paired t-test of a mean difference of 0.",
            Probability,
            "NaN with fewer than two units"
        },
        { "variant", "The variant of a pipeline with variants (its name, and its folder in the run)." },
        { "seed", "Random seed of the run." },
        { "knowledge_neurons", "Knowledge neurons of the fact (after refinement across its prompts)." },
        { "components", "Components of the DKN (base degenerate components)." },
        { "candidates", "Candidate clusters the method proposed, before the functional check." },
        {
            "is_dkn",
            "1 when the method found a DKN for the fact: at least two components that passed the functional " + "check."
        },
        { "baseline_probability", "P(answer) without suppression, the P0 of every drop.", Probability },
        {
            "joint_drop",
            "Relative drop of P(answer) with every candidate suppressed together, DKN or not "
                + "(aggregated over the checked prompts in the check's measure).",
            DropUnit,
            "NaN when not probed"
        },
        {
            "proper_subset_change",
            "Mean over the evaluated proper subsets of the accepted components of the "
                + "relative change of P(answer) on the first prompt with that subset suppressed.",
            ChangeUnit,
            "NaN when no subset was measured (no accepted set)"
        },
        {
            "full_set_change",
            "Relative change of P(answer) on the first prompt with the whole accepted set " + "suppressed.",
            ChangeUnit,
            "NaN when not measured (no accepted set)"
        },
        {
            "worst_proper_subset_drop",
            "The largest drop of a proper subset of the components under the strict check "
                + "(mean over the facts where it was measured, DKN or not).",
            DropUnit,
            "NaN when measured for no fact"
        },
        { "worst_proper_subset_drop_facts", "Facts where the worst proper-subset drop was measured." },
        { "recheck_holds", "DKNs that held when re-checked by full recomputation (of `rechecked`)." },
        { "rechecked", "DKNs re-checked by full recomputation." },
        { "facts_with_dkn", "Facts whose DKN has at least two components." },
        { "share_with_dkn", "facts_with_dkn / facts.", Share, "NaN when facts = 0" },
        { "layers_per_dkn", "Mean distinct layers a DKN's neurons lie in, over the DKNs.", "", NoValues },
        { "neurons_per_component", "Mean neurons per component, over the DKNs.", "", NoValues },
        {
            "answer_probability",
            "Mean over the attributed prompts of P(answer) at the real activations.",
            Probability,
            "NaN when no prompt was attributed"
        },
        {
            "completeness_error",
            "Mean over the prompts of the relative completeness error of integrated gradients: "
                + "|Σ scores − (f(x) − f(baseline))| over the largest |f(x) − f(baseline)| (a sum gap "
                + "for the multiplier-a attribution).",
            "ratio ≥ 0; 0 = exact",
            "NaN when no prompt"
        },
        {
            "max_completeness_error",
            "The largest relative completeness error over the fact's prompts.",
            "ratio ≥ 0; 0 = exact",
            "NaN when no prompt"
        },
        {
            "accuracy",
            "Share of the group's prompts or queries answered correctly (greedy decoding produces the whole "
                + "answer).",
            Share,
            "NaN when the group is empty"
        },
        { "correct", "Prompts or queries answered correctly." },
        { "hits_subject", "1 when the perturbation changed a word of the subject." },
        { "draws", "Random draws of the condition's neurons averaged (1 for a fixed set)." },
        { "set_size", "Neurons intervened on under the condition.", "", "0 for `none`" },
        { "queries", "Queries in the group (the denominator of its accuracy)." },
        { "learning_rate", "The fine-tune's learning rate." },
        { "trainable_parameters", "Parameters the fine-tune was allowed to change (the pool's neurons' weights)." },
        { "precision", "True positives / (true positives + false positives).", Share, "NaN when nothing is positive" },
        { "recall", "True positives / (true positives + false negatives).", Share, "NaN when nothing should be found" },
        { "f1", "Harmonic mean of precision and recall.", Share, "NaN when either is NaN" },
    };
}
