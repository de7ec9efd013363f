using MlNetDkn.Degeneracy;

namespace MlNetDkn.ML;

/// <summary>
/// Names of the columns the knowledge-neuron stages add. Neurons are written "layer:index"; a DKN component is its
/// neurons joined by ';' ("2:17;3:40"). Vectors have variable length (one entry per neuron or component of the row).
/// </summary>
public static class KnowledgeNeuronColumns
{
    // Added by AttributeKnowledgeNeurons.
    /// <summary>Text vector: the fact's refined knowledge neurons, highest-ranked first.</summary>
    public const string KnowledgeNeurons = "KnowledgeNeurons";
    /// <summary>Float vector parallel to <see cref="KnowledgeNeurons"/>: mean attribution score over the prompts.</summary>
    public const string KnowledgeNeuronScores = "KnowledgeNeuronScores";
    /// <summary>Int32: number of knowledge neurons.</summary>
    public const string KnowledgeNeuronCount = "KnowledgeNeuronCount";
    /// <summary>Float: mean over attributed prompts of the answer probability at the real activations (for
    /// multi-token answers, the per-token probabilities aggregated as the attribution options say).</summary>
    public const string AnswerProbability = "AnswerProbability";
    /// <summary>Float: mean over attributed prompts of the relative completeness error of integrated gradients.</summary>
    public const string CompletenessError = "CompletenessError";
    /// <summary>Int32: number of prompts attributed.</summary>
    public const string PromptsAttributed = "PromptsAttributed";

    // Added by FindDegenerateNeurons (from the primary clustering method).
    /// <summary>Text: the clustering method that fills the unsuffixed DKN columns.</summary>
    public const string DknMethod = "DknMethod";
    /// <summary>Text vector: the DKN's base degenerate components, each "l:i;l:i".</summary>
    public const string DknComponents = "DknComponents";
    /// <summary>Int32: number of components.</summary>
    public const string DknComponentCount = "DknComponentCount";
    /// <summary>Boolean: the components pass the functional check.</summary>
    public const string IsDkn = "IsDkn";
    /// <summary>Float: relative probability drop when every component is suppressed together (NaN when not measured).</summary>
    public const string DknJointDrop = "DknJointDrop";
    /// <summary>Float: the answer probability the functional check starts from (first prompt).</summary>
    public const string DknBaselineProbability = "DknBaselineProbability";

    /// <summary>A per-method column ("IsDkn_KMeans"), added when per-method columns are requested.</summary>
    public static string ForMethod(string column, ClusteringMethod method) => $"{column}_{method}";
}
