namespace MlNetDkn.Attribution.Agreement;

/// <summary>One prompt under one variant against the reference.</summary>
public sealed record PromptAgreementRow(
    string Variant,
    string FactId,
    int PromptIndex,
    double TopOverlap10,
    double TopOverlap50,
    double Spearman,
    double ObjectiveDifference,
    double Seconds,
    double ReferenceSeconds
);

/// <summary>One fact's knowledge neurons and DKN under one variant against the reference.</summary>
public sealed record FactAgreementRow(
    string Variant,
    string FactId,
    int ReferenceKnowledgeNeurons,
    int KnowledgeNeurons,
    double KnowledgeNeuronJaccard,
    bool ReferenceHasDkn,
    bool HasDkn,
    double DknJaccard
);

/// <summary>
/// One variant over every prompt and fact: means with 95 % bootstrap intervals, the smallest rank correlation,
/// the speed against the reference measured in the same run, and a verdict (<see cref="AgreementVerdict"/>).
/// </summary>
public sealed record VariantAgreementRow(
    string Variant,
    string Preset,
    string DType,
    int Steps,
    int Prompts,
    int Facts,
    double TopOverlap10,
    double TopOverlap10Low,
    double TopOverlap10High,
    double TopOverlap50,
    double Spearman,
    double SpearmanMin,
    double KnowledgeNeuronJaccard,
    double KnowledgeNeuronJaccardLow,
    double KnowledgeNeuronJaccardHigh,
    double DknAgreement,
    int DknFactsReference,
    int DknFacts,
    double DknJaccard,
    double SecondsPerPrompt,
    double ReferenceSecondsPerPrompt,
    double Speedup,
    string Verdict
);

/// <summary>
/// When a variant may stand in for the reference: "same sets" when every fact gets the reference's knowledge neurons
/// and DKN verdict; "close" when the knowledge-neuron sets overlap by at least 0.8 (Jaccard, mean) and the DKN verdict
/// agrees on at least 90 % of facts; "differs" otherwise. The cut-offs are the project's reading, stated so a user
/// can apply their own to the table's columns.
/// </summary>
public static class AgreementVerdict
{
    /// <summary>"same sets", "close" or "differs" from a variant's minimum and mean knowledge-neuron Jaccard and its
    /// DKN agreement (shares in [0, 1]).</summary>
    public static string Of(double knowledgeNeuronJaccardMin, double knowledgeNeuronJaccardMean, double dknAgreement) =>
        knowledgeNeuronJaccardMin >= 1 && dknAgreement >= 1 ? "same sets"
        : knowledgeNeuronJaccardMean >= 0.8 && dknAgreement >= 0.9 ? "close"
        : "differs";
}
