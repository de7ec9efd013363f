using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Planted;

/// <summary>Options of the planted-benchmark stages: where the truth is (default: beside the model's
/// weights).</summary>
public sealed record PlantedStageOptions : FactStageOptions
{
    /// <summary>planted_truth.json; null = the one in the model folder.</summary>
    public string? TruthPath { get; init; }

    /// <summary>PlantedNeurons: also give each fact its noise neurons as knowledge neurons.</summary>
    public bool IncludeNoise { get; init; } = true;

    /// <summary>PlantedNeurons: seed of the order the neurons are listed in (the authors' methods depend on
    /// it).</summary>
    public int Seed { get; init; }

    internal string ResolvedTruth => Path.GetFullPath(TruthPath ?? Path.Combine(ModelPath, PlantedTruth.FileName));

    internal override void Validate()
    {
        base.Validate();
        if (!File.Exists(ResolvedTruth))
            throw new DknInputException(
                $"{ResolvedTruth}: planted truth not found (the planted-model step writes it beside the model)"
            );
    }
}
