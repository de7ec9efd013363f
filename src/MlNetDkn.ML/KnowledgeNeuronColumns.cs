using MlNetDkn.Degeneracy;

namespace MlNetDkn.ML;

/// <summary>
/// Names of the columns the stages add, snake_case like the fact columns and every table (datasets/README.md).
/// Lists of neurons come three ways: "l:i" text for reading, parallel key vectors (layer in [0, L), index in
/// [0, d_ff)) for typed use, and fixed-size Single vectors over all L·d_ff slots (slot names "l:i") for trainers.
/// Counts are Single so they concatenate with other features.
/// </summary>
public static class KnowledgeNeuronColumns
{
    // Added by EvaluateAccuracy.
    /// <summary>Single: fraction of the fact's prompts whose answer greedy decoding produces.</summary>
    public const string PromptAccuracy = "prompt_accuracy";

    /// <summary>Single: the same over held-out paraphrases (NaN when the fact has none).</summary>
    public const string HeldoutAccuracy = "heldout_accuracy";

    /// <summary>Single: mean teacher-forced log P(answer) over the fact's prompts.</summary>
    public const string AnswerLogProbability = "answer_log_probability";

    // Added by AttributeKnowledgeNeurons.
    /// <summary>Text vector: the fact's refined knowledge neurons "l:i", highest-ranked first.</summary>
    public const string KnowledgeNeurons = "knowledge_neurons";

    /// <summary>Key vector (count L), parallel to <see cref="KnowledgeNeurons"/>: each neuron's layer.</summary>
    public const string KnowledgeNeuronLayers = "knowledge_neuron_layers";

    /// <summary>Key vector (count d_ff), parallel to <see cref="KnowledgeNeurons"/>: each neuron's index in its
    /// layer.</summary>
    public const string KnowledgeNeuronIndices = "knowledge_neuron_indices";

    /// <summary>Single vector parallel to <see cref="KnowledgeNeurons"/>: mean attribution score over the
    /// prompts.</summary>
    public const string KnowledgeNeuronScores = "knowledge_neuron_scores";

    /// <summary>Single vector of size L·d_ff (slot "l:i"): 1 where the neuron is a knowledge neuron of the
    /// fact.</summary>
    public const string KnowledgeNeuronMask = "knowledge_neuron_mask";

    /// <summary>Single vector of size L·d_ff (slot "l:i"): mean stored attribution score over the prompts (scores
    /// below the storage ratio of a prompt's maximum are 0).</summary>
    public const string AttributionScores = "attribution_scores";

    /// <summary>Single: number of knowledge neurons.</summary>
    public const string KnowledgeNeuronCount = "knowledge_neuron_count";

    /// <summary>Single: mean over attributed prompts of P(answer) at the real activations.</summary>
    public const string AnswerProbability = "answer_probability";

    /// <summary>Single: mean over attributed prompts of the relative completeness error (a sum gap for multiplier
    /// a).</summary>
    public const string CompletenessError = "completeness_error";

    /// <summary>Single: the largest relative completeness error over the fact's prompts.</summary>
    public const string MaxCompletenessError = "max_completeness_error";

    /// <summary>Single: number of prompts attributed.</summary>
    public const string PromptsAttributed = "prompts_attributed";

    // Added by FindDegenerateNeurons: the primary method unsuffixed, every method with its suffix.
    /// <summary>Text: the clustering method that fills the unsuffixed DKN columns.</summary>
    public const string DknMethod = "dkn_method";

    /// <summary>Single: P(answer) the functional check starts from.</summary>
    public const string DknBaselineProbability = "dkn_baseline_probability";

    /// <summary>Single: pairs of knowledge neurons with a real structural connection (0: nothing to cluster).</summary>
    public const string DknFiniteEdges = "dkn_finite_edges";

    /// <summary>Boolean: a DKN with at least two components that passed the functional check.</summary>
    public const string IsDkn = "is_dkn";

    /// <summary>The fact's whole DKN record (<see cref="DknRecordDataViewType"/>), which later stages of the chain
    /// read; not written to tables.</summary>
    public const string DknRecord = "dkn_record";

    /// <summary>Text vector: the DKN's base degenerate components, each "l:i;l:i".</summary>
    public const string DknComponents = "dkn_components";

    /// <summary>Single: number of components.</summary>
    public const string DknComponentCount = "dkn_component_count";

    /// <summary>Single: relative probability drop when every component is suppressed together (NaN when not
    /// measured).</summary>
    public const string DknJointDrop = "dkn_joint_drop";

    /// <summary>Single: the largest drop of a proper subset of the components under the strict check, DKN or not (NaN
    /// when not measured).</summary>
    public const string DknWorstSubsetDrop = "dkn_worst_subset_drop";

    /// <summary>Text: why the method's candidates are not a DKN, its kind before ':' (empty for a DKN).</summary>
    public const string DknRejection = "dkn_rejection";

    /// <summary>Single: candidate clusters before the functional check.</summary>
    public const string DknCandidateCount = "dkn_candidate_count";

    /// <summary>Single vector: size of each evaluated proper subset of components.</summary>
    public const string DknSubsetSizes = "dkn_subset_sizes";

    /// <summary>Single vector parallel to <see cref="DknSubsetSizes"/>: (P_after − P0)/P0 with that subset
    /// suppressed.</summary>
    public const string DknSubsetChanges = "dkn_subset_changes";

    /// <summary>Single: (P_after − P0)/P0 with the whole DKN suppressed (NaN when there is no DKN).</summary>
    public const string DknFullChange = "dkn_full_change";

    /// <summary>Single: 1 when the DKN held when re-checked by full recomputation, 0 when it did not, NaN when not
    /// re-checked.</summary>
    public const string DknRecheckHolds = "dkn_recheck_holds";

    /// <summary>A per-method column: "is_dkn_kmeans", "dkn_components_ntc".</summary>
    public static string ForMethod(string column, ClusteringMethod method) => $"{column}_{MethodSuffix(method)}";

    /// <summary>The snake_case suffix of a method's columns ("ntc", "kmeans", "src_pairs", ...).</summary>
    public static string MethodSuffix(ClusteringMethod method) =>
        method switch
        {
            ClusteringMethod.Ntc => "ntc",
            ClusteringMethod.Hierarchical => "hierarchical",
            ClusteringMethod.Dbscan => "dbscan",
            ClusteringMethod.KMeans => "kmeans",
            ClusteringMethod.SrcPairs => "src_pairs",
            ClusteringMethod.NtcPersistence => "ntc_persistence",
            ClusteringMethod.RandomPartition => "random_partition",
            ClusteringMethod.Functional => "functional",
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
}
