using MlNetDkn.Degeneracy;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.Experiments.Robustness;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Experiments;

/// <summary>What every experiment stage reads its DKNs from: one method's columns of a find-degenerate-neurons
/// stage.</summary>
public abstract record ExperimentStageOptions : FactStageOptions
{
    /// <summary>The DKN method whose columns are read (NTC by default).</summary>
    public ClusteringMethod DknMethod { get; init; } = ClusteringMethod.Ntc;

    /// <summary>The column suffix of that DKN stage ("" by default).</summary>
    public string DknColumnSuffix { get; init; } = "";

    /// <summary>Seed of the stage's random choices: R1/R2 control sets and collateral facts, E1 fine-tunes and
    /// bootstrap, R3 metrics.</summary>
    public int Seed { get; init; } = 17;
}

/// <summary>An unrelated fact whose prompt R2 scores for collateral change (chosen when the stage is fitted).</summary>
public sealed record CollateralFact(string FactId, string RelationId, string Subject, string Prompt, string Answer);

/// <summary>Options of the R1 and R2 stages.</summary>
public sealed record PerturbedQueryStageOptions : ExperimentStageOptions
{
    /// <summary>Which experiment the stage runs: R1 suppression or R2 enhancement.</summary>
    public PerturbedQueryExperiment Experiment { get; init; } = PerturbedQueryExperiment.Suppression;

    /// <summary>Conditions, random draws, routes and intervention of the experiment.</summary>
    public PerturbedQueryOptions Options { get; init; } = new();

    /// <summary>R2: unrelated facts scored for collateral change, drawn from the fitting data (seeded).</summary>
    public int CollateralCount { get; init; } = 8;

    /// <summary>Set by Fit (R2): the unrelated facts, fixed before any outcome is seen.</summary>
    public IReadOnlyList<CollateralFact> Collateral { get; init; } = [];

    /// <summary>Cut-offs of the authors' filtered mean (values, weights).</summary>
    public double AuthorsValueCutoff { get; init; } = 1e-5;

    /// <summary>The weight cut-off of the authors' filtered mean (see <see cref="AuthorsValueCutoff"/>).</summary>
    public double AuthorsWeightCutoff { get; init; } = 1e-6;

    internal override void Validate()
    {
        base.Validate();
        Options.Validate();
        if (CollateralCount < 0)
            throw new DknInputException($"collateral facts must be 0 or more (got {CollateralCount})");
    }
}

/// <summary>Options of the R3 fact-checking stage; Fit fills the learned part.</summary>
public sealed record FactCheckStageOptions : ExperimentStageOptions
{
    /// <summary>Detectors, splits and scoring of the R3 experiment.</summary>
    public FactCheckOptions FactCheck { get; init; } = new();

    /// <summary>Learned by Fit: the relation-level sets.</summary>
    public IReadOnlyList<RelationSets> Sets { get; init; } = [];

    /// <summary>Learned by Fit: the decision rule (threshold and direction) per detector.</summary>
    public IReadOnlyDictionary<string, DetectorThreshold> Thresholds { get; init; } =
        new Dictionary<string, DetectorThreshold>();

    /// <summary>Learned by Fit: the split of every fitted fact (facts not seen in Fit are split by the same
    /// rule).</summary>
    public IReadOnlyDictionary<string, string> Splits { get; init; } = new Dictionary<string, string>();

    internal override void Validate()
    {
        base.Validate();
        FactCheck.Validate();
    }
}
