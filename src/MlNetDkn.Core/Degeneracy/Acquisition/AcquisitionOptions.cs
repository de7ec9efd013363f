using System.Text.Json.Serialization;
using MlNetDkn.Attribution;

namespace MlNetDkn.Degeneracy.Acquisition;

/// <summary>Where a fact's candidate neurons come from before they are grouped into components.</summary>
public enum CandidateSource
{
    /// <summary>The knowledge neurons the attribution stage selected (per-layer integrated gradients and a
    /// cut).</summary>
    KnowledgeNeurons,

    /// <summary>Iterative knockout: joint attribution over all layers, suppress what it found, attribute again
    /// (<see cref="KnockoutAttribution"/>). Sees redundant copies that per-layer attribution gives no credit.</summary>
    Knockout,
}

/// <summary>Which path joint integrated gradients integrate along (every layer's neurons at once, one
/// baseline).</summary>
public enum JointPath
{
    /// <summary>Each neuron's live activation multiplied by a gate that goes from 0 to 1 together with all others:
    /// a relay neuron's gate reaches the answer through the neurons it drives.</summary>
    Gated,

    /// <summary>Each neuron's activation replaced by α times its clean value, in every layer at once: later layers no
    /// longer respond to earlier ones, so relays get no credit (kept to measure that).</summary>
    Replace,
}

/// <summary>Options of iterative knockout attribution.</summary>
public sealed record KnockoutOptions
{
    /// <summary>The integration path of each round's joint integrated gradients.</summary>
    public JointPath Path { get; init; } = JointPath.Gated;

    /// <summary>Path points per round and prompt.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Where the path points lie: null is the midpoint rule; <see cref="PathGrid.GaussLegendre"/> puts
    /// <see cref="Steps"/> Gauss–Legendre points with their weights.</summary>
    // Left out of JSON when null, so the keys of runs made before it existed stay the same.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PathGrid? Grid { get; init; }

    /// <summary>Rows per forward batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>A round keeps the neurons whose score is at least this fraction of the round's largest score.</summary>
    public double Ratio { get; init; } = 0.1;

    /// <summary>At most this many neurons per round (highest first).</summary>
    public int MaxPerRound { get; init; } = 24;

    /// <summary>At most this many knockout rounds.</summary>
    public int MaxRounds { get; init; } = 6;

    /// <summary>At most this many candidates over all rounds.</summary>
    public int MaxCandidates { get; init; } = 64;

    /// <summary>A round finds nothing when opening every neuron still open (from all shut) changes P by less than this
    /// fraction of P0: what is left of the answer is not carried by MLP neurons.</summary>
    public double MinRoundEffect { get; init; } = 0.05;

    /// <summary>Rounds stop once suppressing everything found drops P by at least this much on every prompt.</summary>
    public double LostDrop { get; init; } = 0.9;

    /// <summary>
    /// Share across rounds what they have in common (see <see cref="JointIntegratedGradients"/>): every pass starts
    /// from the probe's kept layer 0 (<see cref="Perturbation.PrefixCacheProbe.KeepsLayer0"/>), and the clean
    /// activations of the replaced path are computed once per prompt. False: every round evaluates everything on its
    /// own (the earlier evaluation, kept to measure the difference). Both give the same bits, so it is left out of the
    /// options' JSON and of stored keys.
    /// </summary>
    [JsonIgnore]
    public bool ShareAcrossRounds { get; init; } = true;

    /// <summary>
    /// The defaults: gated path, 20 steps, ratio 0.1, up to 24 neurons per round, 6 rounds and 64 candidates.
    /// </summary>
    public static KnockoutOptions Default { get; } = new();

    /// <summary>Checks every option is in range.</summary>
    /// <exception cref="DknInputException">An option is out of range.</exception>
    public void Validate()
    {
        void Require(bool ok, string what)
        {
            if (!ok)
                throw new DknInputException($"knockout: {what}");
        }
        Require(Steps >= 1, $"steps must be at least 1 (got {Steps})");
        Require(BatchSize >= 1, $"batch size must be at least 1 (got {BatchSize})");
        Require(Ratio is > 0 and <= 1, $"ratio must be in (0, 1] (got {Ratio})");
        Require(
            MaxPerRound >= 1 && MaxRounds >= 1 && MaxCandidates >= 1,
            "max per round, max rounds and max candidates must be at least 1"
        );
        Require(LostDrop is > 0 and <= 1, $"lost drop must be in (0, 1] (got {LostDrop})");
        Require(
            double.IsFinite(MinRoundEffect) && MinRoundEffect >= 0,
            $"min round effect must be a finite fraction of P0, 0 or more (got {MinRoundEffect}; 1 or more finds "
                + "nothing)"
        );
    }
}

/// <summary>Options of grouping candidates into components by function (<see cref="FunctionalGrouping"/>).</summary>
public sealed record FunctionalGroupingOptions
{
    /// <summary>At most this many components per fact.</summary>
    public int MaxComponents { get; init; } = 8;

    /// <summary>After elimination, a candidate left out of every component joins one where it can stand in for a
    /// member of its own layer (a parallel copy that minimality dropped).</summary>
    public bool Closure { get; init; } = true;

    /// <summary>Two candidates of one layer whose read vectors and write vectors both have at least this cosine are
    /// copies of one unit and move together (above 1: never).</summary>
    public double CopyCosine { get; init; } = 0.9;

    /// <summary>Complete each component with the neurons outside the candidates that it alone needs, found by joint
    /// attribution with every other candidate shut (needs the prefix-cache probe).</summary>
    public bool Complete { get; init; } = true;

    /// <summary>The joint attribution of the completion.</summary>
    public KnockoutOptions Attribution { get; init; } = KnockoutOptions.Default;

    /// <summary>The defaults: up to 8 components, closure, copy cosine 0.9, completion on.</summary>
    public static FunctionalGroupingOptions Default { get; } = new();

    /// <summary>Checks the options are in range: at least 2 components, a copy cosine above 0 (not NaN; above 1
    /// means never), and the completion's attribution options.</summary>
    /// <exception cref="DknInputException">An option is out of range.</exception>
    public void Validate()
    {
        if (MaxComponents < 2)
            throw new DknInputException(
                $"functional grouping: max components must be at least 2 (got {MaxComponents})"
            );
        if (!(CopyCosine > 0))
            throw new DknInputException(
                $"functional grouping: copy cosine must be above 0 (above 1: copies never merge; got {CopyCosine})"
            );
        Attribution.Validate();
    }
}
