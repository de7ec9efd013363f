using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>Options of
/// <see cref="KnowledgeNeuronsCatalog.FindDegenerateNeurons(DegenerateNeuronStageOptions)"/>.</summary>
public sealed record DegenerateNeuronStageOptions : FactStageOptions
{
    /// <summary>The DKN acquisition: candidate source, methods, knockout and functional-check settings.</summary>
    public DknStageOptions Dkn { get; init; } = new();

    /// <summary>The method that fills the unsuffixed DKN columns; null = the first of the options' methods.</summary>
    public ClusteringMethod? Method { get; init; }

    /// <summary>Appended to every column this stage adds ("is_dkn_ntc_authors"), so two DKN stages in one pipeline
    /// keep both sets of columns; "" by default.</summary>
    public string ColumnSuffix { get; init; } = "";

    /// <summary>The text-vector column of prompts; the functional check uses the first.</summary>
    public string PromptsColumn { get; init; } = FactColumns.Prompts;

    internal ClusteringMethod PrimaryMethod => Method ?? Dkn.Dkn.Methods[0];

    internal override void Validate()
    {
        base.Validate();
        Dkn.Validate();
        if (!Dkn.Dkn.Methods.Contains(PrimaryMethod))
            throw new DknInputException(
                $"{DegenerateNeuronFindingTransformer.Name}: method {PrimaryMethod} is not among the options' methods "
                    + $"({string.Join(", ", Dkn.Dkn.Methods)})"
            );
    }
}
