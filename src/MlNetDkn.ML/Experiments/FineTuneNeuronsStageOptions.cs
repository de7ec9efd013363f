using MlNetDkn.Experiments.Evolvability;

namespace MlNetDkn.ML.Experiments;

/// <summary>Options of the E1/E2 stage; Fit fills <see cref="Result"/>.</summary>
public sealed record FineTuneNeuronsStageOptions : ExperimentStageOptions
{
    /// <summary>Variants, learning rates, seeds and training of the E1/E2 fine-tunes (the seed comes from
    /// <see cref="ExperimentStageOptions.Seed"/>).</summary>
    public EvolvabilityOptions Evolvability { get; init; } = new();

    /// <summary>The new facts (Parquet): updates of input facts, ids "&lt;old id&gt;#updated" (see
    /// <see cref="FactUpdates"/>).</summary>
    public required string NewFactsPath { get; init; }

    /// <summary>Set by Fit: every fine-tune and the E2 overlap.</summary>
    public EvolvabilityResult? Result { get; init; }

    internal override void Validate()
    {
        base.Validate();
        Evolvability.Validate();
        if (!File.Exists(NewFactsPath))
            throw new DknInputException($"{NewFactsPath}: new facts not found (the update-facts step writes them)");
    }
}
