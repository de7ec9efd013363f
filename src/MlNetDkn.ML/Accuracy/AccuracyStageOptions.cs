using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Accuracy;

/// <summary>Options of <see cref="KnowledgeNeuronsCatalog.EvaluateAccuracy(AccuracyStageOptions)"/>.</summary>
public sealed record AccuracyStageOptions : FactStageOptions
{
    /// <summary>Prompts per forward pass.</summary>
    public int BatchSize { get; init; } = 256;

    internal override void Validate()
    {
        base.Validate();
        if (BatchSize < 1)
            throw new DknInputException(
                $"{AccuracyMeasuringTransformer.Name}: batch size must be at least 1 (got {BatchSize})"
            );
    }
}
