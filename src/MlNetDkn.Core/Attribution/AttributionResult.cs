namespace MlNetDkn.Attribution;

/// <summary>
/// Integrated-gradients scores over every (layer, neuron) for one prompt, aggregated over answer tokens, with the
/// quantities needed to judge them: the objective at the activation and at the baseline, and the completeness error.
/// </summary>
public sealed class AttributionResult
{
    /// <summary>[layers][d_ff] scores.</summary>
    public required double[][] Scores { get; init; }

    /// <summary>Objective (P or log P of the answer token) with the model untouched, per answer token.</summary>
    public required double[] ObjectiveAtActivation { get; init; }

    /// <summary>[layers][answer tokens]: objective with layer l's site set to its baseline.</summary>
    public required double[][] ObjectiveAtBaseline { get; init; }

    /// <summary>[layers]: Σ_i score − (f(a) − f(baseline)), aggregated over answer tokens like the scores.</summary>
    public required double[] CompletenessError { get; init; }

    /// <summary>The options the scores were computed with.</summary>
    public required AttributionOptions Options { get; init; }

    /// <summary>[answer tokens]: path points the rule used for each token (the options' steps unless adaptive).
    /// </summary>
    public int[] PathPointsUsed { get; init; } = [];

    /// <summary>Number of layers L (rows of <see cref="Scores"/>).</summary>
    public int Layers => Scores.Length;

    /// <summary>Neurons per layer d_ff (the MLP's intermediate size).</summary>
    public int Width => Scores[0].Length;

    /// <summary>The largest score over all layers and neurons (signed, not absolute).</summary>
    public double MaxScore => Scores.Max(r => r.Max());

    /// <summary>Largest |completeness error| relative to the largest |f(a) − f(baseline)| over layers.</summary>
    public double RelativeCompletenessError
    {
        get
        {
            double scale = Enumerable
                .Range(0, Layers)
                .Max(l => Math.Abs(Aggregate(ObjectiveAtActivation) - Aggregate(ObjectiveAtBaseline[l])));
            return CompletenessError.Max(Math.Abs) / Math.Max(scale, 1e-300);
        }
    }

    /// <summary>Per-token values combined as the options' <see cref="AttributionOptions.Aggregation"/>
    /// says (mean or sum).</summary>
    public double Aggregate(double[] perToken) =>
        Options.Aggregation == TokenAggregation.Sum ? perToken.Sum() : perToken.Average();
}
