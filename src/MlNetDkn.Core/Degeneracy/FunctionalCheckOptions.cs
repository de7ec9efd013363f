namespace MlNetDkn.Degeneracy;

/// <summary>How a condition checked on several prompts combines over them.</summary>
public enum PromptAggregation
{
    /// <summary>Every checked prompt must satisfy it (the worst prompt decides).</summary>
    All,

    /// <summary>The drop averaged over the checked prompts must satisfy it.</summary>
    Mean,
}

/// <summary>
/// Options of the functional check that turns candidate clusters into a DKN (method.md §3.3, §3.8, §8). The strict
/// default is the definition: each component is a cluster whose suppression alone barely matters; every proper
/// subset of the components is dispensable (drop &lt; TLow), and suppressing all of them is not (drop &gt; THigh);
/// on every checked paraphrase. Drops are measured by <see cref="Measure"/>.
/// </summary>
public sealed record FunctionalCheckOptions
{
    /// <summary>A cluster (and, strict, any proper subset of the components) is dispensable when its drop is below
    /// this.</summary>
    public double TLow { get; init; } = 0.05;

    /// <summary>Strict: suppressing all components together must drop the measure by more than this.</summary>
    public double THigh { get; init; } = 0.3;

    /// <summary>Strict: at least MinComponents components, every proper subset dispensable, the whole set
    /// necessary.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>Strict: the fewest components a DKN needs (at least 1; the definition needs 2).</summary>
    public int MinComponents { get; init; } = 2;

    /// <summary>
    /// Strict: keep only components that can express the fact on their own (every other component suppressed, the
    /// drop stays below TLow), dropping the others one round at a time before the subsets are tested: a cluster that
    /// is dispensable only because it is irrelevant is not a base degenerate component.
    /// </summary>
    public bool RequireSufficient { get; init; } = true;

    /// <summary>Strict: test every proper subset of the components, not only single ones (the definition).</summary>
    public bool ProperSubsets { get; init; } = true;

    /// <summary>Proper subsets are all enumerated for up to this many components (2^n − 2); beyond, a seeded
    /// sample.</summary>
    public int ExhaustiveLimit { get; init; } = 10;

    /// <summary>Beyond <see cref="ExhaustiveLimit"/>: this many distinct subsets per size (all of a size when
    /// fewer).</summary>
    public int SamplesPerSize { get; init; } = 64;

    /// <summary>
    /// Seed of the subset sample beyond <see cref="ExhaustiveLimit"/> (the same seed gives the same subsets).
    /// </summary>
    public int SubsetSeed { get; init; }

    /// <summary>Clusters of one neuron are not tested (and never become components).</summary>
    public bool SkipSingletons { get; init; } = true;

    /// <summary>With ≤ this many clusters in the input the result is empty without probing (authors: 1).</summary>
    public int MaxClustersForEmpty { get; init; } = 1;

    /// <summary>
    /// A negative drop (suppression raising the measure) counts as dispensable. Kept true in both modes, decided
    /// deliberately: a component whose removal helps the answer is certainly not needed for it. False requires
    /// −TLow &lt; drop &lt; TLow.
    /// </summary>
    public bool AcceptNegativeDrops { get; init; } = true;

    /// <summary>
    /// What the drops are measured on: relative probability (default), log-probability or logit margin.
    /// </summary>
    public CheckMeasure Measure { get; init; } = CheckMeasure.Probability;

    /// <summary>How many of the fact's prompts the check runs on, in order (0 = all of them).</summary>
    public int Prompts { get; init; }

    /// <summary>How conditions combine over the checked prompts: every prompt (default) or the mean.</summary>
    public PromptAggregation Aggregation { get; init; } = PromptAggregation.All;

    /// <summary>
    /// The authors' filter_neuron_sets_only_first: ≤ 1 cluster → empty; size-1 clusters skipped; each other cluster
    /// kept when its drop &lt; 0.05 (negative drops too); no ≥ 2 check, no joint check, no subsets; first prompt only.
    /// </summary>
    public static FunctionalCheckOptions DknAuthorsLenient { get; } =
        new()
        {
            TLow = 0.05,
            Strict = false,
            ProperSubsets = false,
            RequireSufficient = false,
            SkipSingletons = true,
            MaxClustersForEmpty = 1,
            AcceptNegativeDrops = true,
            Prompts = 1,
        };

    /// <summary>Strict (default): the definition, on every prompt of the fact.</summary>
    public static FunctionalCheckOptions Default { get; } = new();

    /// <summary>"strict" (<see cref="Default"/>) or "lenient" (<see cref="DknAuthorsLenient"/>);
    /// <paramref name="option"/> names the setting in the error.</summary>
    public static FunctionalCheckOptions FromName(string name, string option = "DKN check") =>
        name switch
        {
            "strict" => Default,
            "lenient" => DknAuthorsLenient,
            _ => throw new DknInputException($"{option} must be strict or lenient (got '{name}')"),
        };

    /// <summary>Checks the thresholds, counts and measure are consistent.</summary>
    /// <exception cref="DknInputException">An option is out of range.</exception>
    public void Validate()
    {
        if (!(TLow >= 0))
            throw new DknInputException($"functional check: t_low must be ≥ 0 (got {TLow})");
        if (Strict && !(THigh > TLow))
            throw new DknInputException(
                $"functional check: t_high must be above t_low (got t_low {TLow}, t_high {THigh})"
            );
        if (Measure == CheckMeasure.Probability && THigh > 1)
            throw new DknInputException(
                $"functional check: a relative probability drop cannot exceed 1 (t_high {THigh})"
            );
        if (MinComponents < 1)
            throw new DknInputException($"functional check: min components must be ≥ 1 (got {MinComponents})");
        if (ExhaustiveLimit < 1 || SamplesPerSize < 1)
            throw new DknInputException("functional check: exhaustive limit and samples per size must be ≥ 1");
        if (Prompts < 0)
            throw new DknInputException($"functional check: prompts must be 0 (all) or more (got {Prompts})");
    }
}
