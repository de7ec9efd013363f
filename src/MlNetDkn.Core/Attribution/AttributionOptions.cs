using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetDkn.Attribution;

/// <summary>What the path starts from.</summary>
public enum BaselineKind
{
    /// <summary>The zero vector (Dai et al., EleutherAI).</summary>
    Zero,

    /// <summary>
    /// The DKN authors' baseline: mean over j of the site activation when prompt token j is replaced by EOS.
    /// </summary>
    EosMaskedMean,

    /// <summary>A vector given per layer (<see cref="AttributionOptions.BaselineVectors"/>).</summary>
    Given,
}

/// <summary>Where along the path the integrand is evaluated: α_k for k = 0..m−1, each weighted 1/m except where
/// said.</summary>
public enum PathGrid
{
    /// <summary>α_k = k/m: Dai et al. and the DKN authors (contains the baseline, never the activation).</summary>
    LeftRiemann,

    /// <summary>α = linspace(0, 1, m), both ends included, weights 1/m: EleutherAI knowledge-neurons.</summary>
    Linspace,

    /// <summary>α_k = (k + ½)/m: the midpoint rule, second-order accurate.</summary>
    Midpoint,

    /// <summary>α = 1: the gradient at the activation itself (with multiplier a − b, "attribution patching"; a
    /// first-order estimate of integrated gradients, not an integral).</summary>
    Endpoint,

    /// <summary>The m-point Gauss–Legendre rule on [0, 1]: nodes at the roots of the shifted Legendre polynomial, each
    /// with its own weight; exact for integrands that are polynomials of degree ≤ 2m − 1 in α.</summary>
    GaussLegendre,
}

/// <summary>What the averaged gradient is multiplied by.</summary>
public enum ScoreMultiplier
{
    /// <summary>The activation a (the peers): equals a − baseline only for a zero baseline.</summary>
    Activation,

    /// <summary>a − baseline: integrated gradients proper, whose scores sum to f(a) − f(baseline).</summary>
    ActivationMinusBaseline,
}

/// <summary>What is attributed: P(answer token) or its natural log.</summary>
public enum AttributionObjective
{
    /// <summary>P(answer token): the peers' objective.</summary>
    Probability,

    /// <summary>log P(answer token): additive over tokens, no saturation near P = 1.</summary>
    LogProbability,
}

/// <summary>How per-token scores of a multi-token answer are combined.</summary>
public enum TokenAggregation
{
    /// <summary>The mean over answer tokens.</summary>
    Mean,

    /// <summary>The sum over answer tokens (the DKN authors).</summary>
    Sum,
}

/// <summary>How the prompt grows for the second and later tokens of a multi-token answer.</summary>
public enum MultiTokenMode
{
    /// <summary>Teacher forcing: token t is attributed after the prompt and the gold answer tokens before it. The
    /// default.</summary>
    TeacherForced,

    /// <summary>
    /// The DKN authors' get_scores_for_layer as it runs (method.md §2.3, §7 item 3), bugs included: the token
    /// appended before step t is always the argmax after the original prompt (their stale baseline_outputs), so the
    /// prompt becomes x + τ, x + τ + τ, …; the path is recomputed from that grown prompt but the multiplier stays the
    /// first prompt's activation; with <see cref="TokenAggregation.Sum"/> as they sum. For one-token answers it is the
    /// same as teacher forcing. Reproduce only to match their numbers.
    /// </summary>
    AuthorsStaleArgmax,
}

/// <summary>
/// Every choice integrated gradients makes, explicit and recorded with each result. Named presets reproduce the
/// peers; <see cref="Default"/> is the corrected method.
/// </summary>
public sealed record AttributionOptions
{
    /// <summary>Which MLP value is a neuron's activation: the neuron output entering the down projection (Post, the
    /// default) or the pre-activation (Pre).</summary>
    public NeuronSite Site { get; init; } = NeuronSite.Post;

    /// <summary>Where the integration path starts (the EOS-masked mean by default).</summary>
    public BaselineKind Baseline { get; init; } = BaselineKind.EosMaskedMean;

    /// <summary>The points along the path where gradients are taken (midpoint by default).</summary>
    public PathGrid Grid { get; init; } = PathGrid.Midpoint;

    /// <summary>What the averaged gradient is multiplied by (a − baseline by default, so scores sum to the
    /// objective's change).</summary>
    public ScoreMultiplier Multiplier { get; init; } = ScoreMultiplier.ActivationMinusBaseline;

    /// <summary>The attributed quantity: P(answer token) by default, or its log.</summary>
    public AttributionObjective Objective { get; init; } = AttributionObjective.Probability;

    /// <summary>How a multi-token answer's per-token scores are combined (mean by default).</summary>
    public TokenAggregation Aggregation { get; init; } = TokenAggregation.Mean;

    /// <summary>How the prompt grows for later answer tokens (teacher forcing by default).</summary>
    public MultiTokenMode MultiToken { get; init; } = MultiTokenMode.TeacherForced;

    /// <summary>Path points m per layer (20 by default); each costs one forward and backward pass
    /// per layer batch.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Rows per forward/backward batch; bounds memory.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>When above 0, the row batch is chosen so one batch's working memory stays within this many MiB
    /// (an estimate of each row's activations and LM-head buffers); <see cref="BatchSize"/> is then ignored.</summary>
    // Left out of JSON at 0, so option hashes (result-store keys) are those of runs before the option existed.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MemoryBudgetMib { get; init; }

    /// <summary>When above 0, the number of path points adapts per answer token: <see cref="Steps"/>, then twice as
    /// many, and so on up to <see cref="MaxSteps"/>, until every layer's completeness gap |Σ scores − (f(a) − f(b))|
    /// is at most this times the largest |f(a) − f(b)| over layers. 0: a fixed rule of <see cref="Steps"/> points.
    /// </summary>
    // Left out of JSON at 0, like MaxSteps, so the option hashes of fixed rules are those of runs before they existed.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double CompletenessTolerance { get; init; }

    /// <summary>The most path points an adaptive rule tries (0: <see cref="DefaultMaxSteps"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MaxSteps { get; init; }

    /// <summary>The adaptive rule's cap when <see cref="MaxSteps"/> is 0.</summary>
    public const int DefaultMaxSteps = 128;

    /// <summary>Whether the point count adapts to a completeness tolerance.</summary>
    [JsonIgnore]
    public bool IsAdaptive => CompletenessTolerance > 0;

    /// <summary>The adaptive rule's cap.</summary>
    [JsonIgnore]
    public int MaxStepsOrDefault => MaxSteps > 0 ? MaxSteps : DefaultMaxSteps;

    /// <summary>Token that replaces each prompt token for <see cref="BaselineKind.EosMaskedMean"/>; null = the model's
    /// EOS.</summary>
    public int? MaskTokenId { get; init; }

    /// <summary>Per-layer baseline vectors [d_ff] for <see cref="BaselineKind.Given"/>. Not serialised (they can be
    /// large); <see cref="BaselineVectorsSha256"/> stands for them in the canonical JSON, so the store key changes with
    /// them.</summary>
    [JsonIgnore]
    public IReadOnlyList<double[]>? BaselineVectors { get; init; }

    /// <summary>SHA-256 of the given baseline vectors' exact doubles (null when none are given).</summary>
    [JsonInclude]
    public string? BaselineVectorsSha256 =>
        BaselineVectors is null
            ? null
            : ContentHashing.Sha256OfText(
                string.Join(
                    ";",
                    BaselineVectors.Select(v =>
                        string.Join(",", v.Select(x => BitConverter.DoubleToInt64Bits(x).ToString("x16")))
                    )
                )
            );

    /// <summary>Use the KV-cache fast path (exact for causal models); false runs the peers' per-layer
    /// algorithm.</summary>
    public bool FastPath { get; init; } = true;

    /// <summary>Name of the preset these options came from, for the record.</summary>
    public string Preset { get; init; } = "default";

    /// <summary>Corrected: neuron output, EOS-masked mean baseline, midpoint, multiplier a − baseline, mean over
    /// tokens.</summary>
    public static AttributionOptions Default { get; } = new();

    /// <summary>EleutherAI knowledge-neurons exactly: pre-activation, zero baseline, linspace, multiplier a,
    /// probability.</summary>
    public static AttributionOptions Eleuther { get; } =
        new()
        {
            Site = NeuronSite.Pre,
            Baseline = BaselineKind.Zero,
            Grid = PathGrid.Linspace,
            Multiplier = ScoreMultiplier.Activation,
            Objective = AttributionObjective.Probability,
            Aggregation = TokenAggregation.Mean,
            Steps = 20,
            Preset = "eleuther",
        };

    /// <summary>The DKN authors' AMIG as their code runs it (steps 10), multi-token quirks included.</summary>
    public static AttributionOptions DknAuthors { get; } =
        new()
        {
            Site = NeuronSite.Pre,
            Baseline = BaselineKind.EosMaskedMean,
            Grid = PathGrid.LeftRiemann,
            Multiplier = ScoreMultiplier.Activation,
            Objective = AttributionObjective.Probability,
            Aggregation = TokenAggregation.Sum,
            MultiToken = MultiTokenMode.AuthorsStaleArgmax,
            Steps = 10,
            Preset = "dkn-authors",
        };

    /// <summary>Cheap estimators, with their error measured against 20-step integrated gradients (see the README's
    /// agreement table): one gradient at the activation (attribution patching), one at the baseline (the peers'
    /// "steps: 1"), and integrated gradients with 5 or 10 midpoint steps.</summary>
    public static AttributionOptions GradientTimesActivation { get; } =
        new()
        {
            Grid = PathGrid.Endpoint,
            Steps = 1,
            Preset = "grad-x-act",
        };

    /// <summary>One gradient at the baseline, times a − baseline (the peers' "steps: 1").</summary>
    public static AttributionOptions BaselineGradient { get; } =
        new()
        {
            Grid = PathGrid.LeftRiemann,
            Steps = 1,
            Preset = "baseline-gradient",
        };

    /// <summary>The default options with <paramref name="steps"/> midpoint steps (preset "ig-N").</summary>
    public static AttributionOptions FewSteps(int steps) => new() { Steps = steps, Preset = $"ig-{steps}" };

    /// <summary>Points of the <c>gauss</c> preset: the cheapest rule measured to be at least as close to a converged
    /// integral as the peers' 20-point rules on every model of docs/performance.md's quadrature table.</summary>
    public const int GaussPoints = 4;

    /// <summary>The corrected method with the n-point Gauss–Legendre rule in place of the midpoint rule.</summary>
    public static AttributionOptions Gauss(int points) =>
        new()
        {
            Grid = PathGrid.GaussLegendre,
            Steps = points,
            Preset = $"gauss-{points}",
        };

    /// <summary>The corrected method with Gauss–Legendre rules of 2, 4, 8, … points (at most 64) per answer token, the
    /// first whose completeness gap is within 0.1% of |f(a) − f(b)|.</summary>
    public static AttributionOptions Adaptive { get; } =
        new()
        {
            Grid = PathGrid.GaussLegendre,
            Steps = 2,
            CompletenessTolerance = 1e-3,
            MaxSteps = 64,
            Preset = "adaptive",
        };

    /// <summary>The preset names <see cref="FromPreset"/> accepts, for help and error texts.</summary>
    public static IReadOnlyList<string> PresetNames { get; } =
    [
        "default",
        "eleuther",
        "dkn-authors",
        "grad-x-act",
        "baseline-gradient",
        "ig-N (e.g. ig-5)",
        "gauss (4 points)",
        "gauss-N (e.g. gauss-6)",
        "adaptive",
    ];

    /// <summary>The cheap estimators differ from the default only in their path points.</summary>
    [JsonIgnore]
    public bool IsCheapEstimator =>
        Preset is "grad-x-act" or "baseline-gradient" || Preset.StartsWith("ig-", StringComparison.Ordinal);

    /// <summary>The options of a named preset (<see cref="PresetNames"/>; also "corrected", "dkn" and
    /// "attribution-patching"); throws <see cref="DknInputException"/> on an unknown name.</summary>
    public static AttributionOptions FromPreset(string name) =>
        name switch
        {
            "default" or "corrected" => Default,
            "eleuther" => Eleuther,
            "dkn-authors" or "dkn" => DknAuthors,
            "grad-x-act" or "attribution-patching" => GradientTimesActivation,
            "baseline-gradient" => BaselineGradient,
            "adaptive" => Adaptive,
            "gauss" => Gauss(GaussPoints),
            _ when name.StartsWith("ig-", StringComparison.Ordinal)
                    && int.TryParse(name[3..], out var steps)
                    && steps >= 1 => FewSteps(steps),
            _ when name.StartsWith("gauss-", StringComparison.Ordinal)
                    && int.TryParse(name[6..], out var points)
                    && points >= 1 => Gauss(points),
            _ => throw new DknInputException(
                $"unknown attribution preset '{name}' (known: {string.Join(", ", PresetNames)})"
            ),
        };

    /// <summary>Throws a <see cref="DknInputException"/> for steps or batch size below 1, a negative memory budget, or
    /// a "given" baseline without vectors.</summary>
    public void Validate()
    {
        if (Steps < 1)
            throw new DknInputException($"attribution steps must be ≥ 1 (got {Steps})");
        if (BatchSize < 1)
            throw new DknInputException($"attribution batch size must be ≥ 1 (got {BatchSize})");
        if (MemoryBudgetMib < 0)
            throw new DknInputException(
                $"attribution memory budget must be 0 (off) or a number of MiB (got {MemoryBudgetMib})"
            );
        if (CompletenessTolerance < 0 || double.IsNaN(CompletenessTolerance))
            throw new DknInputException(
                $"completeness tolerance must be 0 (fixed rule) or positive (got {CompletenessTolerance})"
            );
        if (MaxSteps < 0)
            throw new DknInputException($"max steps must be 0 (default) or positive (got {MaxSteps})");
        if (IsAdaptive && MaxStepsOrDefault < Steps)
            throw new DknInputException(
                $"max steps ({MaxStepsOrDefault}) is below the first point count tried ({Steps})"
            );
        // Scores sum to f(a) − f(b) only for integrated gradients proper, so only there can completeness steer.
        if (
            IsAdaptive
            && (
                Multiplier == ScoreMultiplier.Activation && Baseline != BaselineKind.Zero
                || MultiToken == MultiTokenMode.AuthorsStaleArgmax
            )
        )
            throw new DknInputException(
                "an adaptive rule needs scores whose sum is f(a) − f(baseline): multiplier "
                    + "activation-minus-baseline (or a zero baseline) and teacher-forced answers"
            );
        if (Baseline == BaselineKind.Given && BaselineVectors is null)
            throw new DknInputException("baseline 'given' needs baseline vectors (one per layer)");
    }

    static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Canonical JSON of every option that changes numbers (the fast-path switch, batch size and memory budget
    /// do not).</summary>
    public string ToCanonicalJson() =>
        JsonSerializer.Serialize(
            this with
            {
                FastPath = true,
                BatchSize = 0,
                MemoryBudgetMib = 0,
                Preset = "",
                MaxSteps = IsAdaptive ? MaxSteps : 0,
            },
            Json
        );

    /// <summary>Stable hash of the options that affect results; part of every cache key.</summary>
    [JsonIgnore]
    public string Hash => ContentHashing.Sha256OfText(ToCanonicalJson())[..16];
}
