using MlNetDkn.Attribution;
using MlNetDkn.Facts;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Attribution;

/// <summary>Options of
/// <see cref="KnowledgeNeuronsCatalog.AttributeKnowledgeNeurons(KnowledgeNeuronStageOptions)"/>.</summary>
public sealed record KnowledgeNeuronStageOptions : FactStageOptions
{
    /// <summary>How each prompt is attributed and how knowledge neurons are refined across a fact's prompts.</summary>
    public FactAttributionOptions Attribution { get; init; } = new();

    /// <summary>The text-vector column whose prompts are attributed.</summary>
    public string PromptsColumn { get; init; } = FactColumns.Prompts;

    internal override void Validate()
    {
        base.Validate();
        Attribution.Validate();
        if (Attribution.Attribution.BaselineVectors is not null)
            throw new DknInputException(
                "given baseline vectors are not supported by the ML.NET stage (they cannot be saved with a pipeline)"
            );
    }
}
