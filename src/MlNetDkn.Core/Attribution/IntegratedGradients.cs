using MlNetDkn.Attribution.Internal;
using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Attribution;

/// <summary>
/// Integrated gradients over the MLP neurons of every layer at the answer position:
/// score_l = M_l ⊙ (1/m) Σ_k ∂f/∂z (b_l + α_k (a_l − b_l)), where a_l is layer l's site activation, b_l its baseline,
/// f the probability (or log-probability) of the answer token and M_l the multiplier (a_l or a_l − b_l). Each layer
/// is attributed separately (the other layers keep their activations), as in Dai et al. and the peers.
/// </summary>
public static class IntegratedGradients
{
    /// <summary>Scores every MLP neuron of every layer for one prompt and answer; null <paramref name="options"/> means
    /// <see cref="AttributionOptions.Default"/>.</summary>
    public static AttributionResult Attribute(
        CausalLm model,
        AttributionRequest request,
        AttributionOptions? options = null
    )
    {
        options ??= AttributionOptions.Default;
        options.Validate();
        request.Validate(model.Config.VocabSize, model.Config.MaxPositions);
        int layers = model.Config.NumLayers,
            answerLength = request.AnswerTokens.Count;

        var perTokenScores = new List<double[][]>();
        var atActivation = new double[answerLength];
        var atBaseline = new double[layers][];
        for (int l = 0; l < layers; l++)
            atBaseline[l] = new double[answerLength];
        var completeness = new double[layers][];
        for (int l = 0; l < layers; l++)
            completeness[l] = new double[answerLength];
        var pointsUsed = new int[answerLength];

        bool stale = options.MultiToken == MultiTokenMode.AuthorsStaleArgmax && answerLength > 1;
        long staleToken = stale ? ArgmaxAfter(model, request.PromptTokens) : 0;
        Tensor[]? firstActivations = null; // the authors' frozen multiplier
        try
        {
            for (int t = 0; t < answerLength; t++)
            {
                using var scope = NewDisposeScope();
                // Teacher forcing: answer token t is predicted from the prompt and the gold answer tokens before it;
                // the authors' mode appends the same stale argmax token t times instead.
                long[] tokens = stale
                    ? [.. request.PromptTokens, .. Enumerable.Repeat(staleToken, t)]
                    : [.. request.PromptTokens, .. request.AnswerTokens.Take(t)];
                long target = request.AnswerTokens[t];
                using var evaluator = Evaluator(
                    model,
                    tokens,
                    target,
                    options,
                    out var activations,
                    out atActivation[t]
                ); // L × [d_ff]
                var baselines = SiteActivations.Baselines(model, tokens, options, activations); // L × [d_ff]
                if (stale && t == 0)
                    firstActivations = activations.Select(a => a.clone().DetachFromDisposeScope()).ToArray();

                int batch =
                    options.MemoryBudgetMib > 0
                        ? RowBatch.ForBudget(model.Config, model.DType, tokens.Length, options.MemoryBudgetMib)
                        : options.BatchSize;
                var multipliers = new Tensor[layers]; // L × [d_ff]
                for (int l = 0; l < layers; l++)
                    multipliers[l] =
                        stale ? firstActivations![l]
                        : options.Multiplier == ScoreMultiplier.Activation ? activations[l]
                        : activations[l] - baselines[l];
                // One integral for a fixed rule; an adaptive rule tries point counts in turn until completeness holds.
                foreach (int steps in AdaptiveSteps.Schedule(options))
                {
                    var scores = Scores(
                        evaluator,
                        activations,
                        baselines,
                        multipliers,
                        options.Grid,
                        steps,
                        target,
                        batch,
                        out var baselineObjective
                    );
                    var gaps = new double[layers];
                    for (int l = 0; l < layers; l++)
                        gaps[l] = scores[l].Sum() - (atActivation[t] - baselineObjective[l]);
                    bool last =
                        !options.IsAdaptive
                        || steps >= options.MaxStepsOrDefault
                        || AdaptiveSteps.IsComplete(
                            gaps,
                            atActivation[t],
                            baselineObjective,
                            options.CompletenessTolerance
                        );
                    if (!last)
                        continue;
                    for (int l = 0; l < layers; l++)
                    {
                        atBaseline[l][t] = baselineObjective[l];
                        completeness[l][t] = gaps[l];
                    }
                    perTokenScores.Add(scores);
                    pointsUsed[t] = steps;
                    break;
                }
            }
        }
        finally
        {
            foreach (var a in firstActivations ?? [])
                a.Dispose();
        }

        double Combine(IEnumerable<double> values) =>
            options.Aggregation == TokenAggregation.Sum ? values.Sum() : values.Average();
        var combined = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            int width = perTokenScores[0][l].Length;
            combined[l] = new double[width];
            for (int i = 0; i < width; i++)
                combined[l][i] = Combine(perTokenScores.Select(s => s[l][i]));
        }
        return new AttributionResult
        {
            Scores = combined,
            ObjectiveAtActivation = atActivation,
            ObjectiveAtBaseline = atBaseline,
            CompletenessError = completeness.Select(Combine).ToArray(),
            Options = options,
            PathPointsUsed = pointsUsed,
        };
    }

    /// <summary>
    /// Per layer [d_ff] scores M_l ⊙ Σ_k w_k ∂f/∂z(α_k) for one rule, and f at each layer's baseline. Equal-weight
    /// grids sum the gradients and divide by m once, exactly as the peers do.
    /// </summary>
    static double[][] Scores(
        IIntegrandEvaluator evaluator,
        Tensor[] activations,
        Tensor[] baselines,
        Tensor[] multipliers,
        PathGrid grid,
        int steps,
        long target,
        int batch,
        out double[] baselineObjective
    )
    {
        using var scope = NewDisposeScope();
        var points = PathPoints.Of(grid, steps);
        bool equalWeights = PathPoints.HasEqualWeights(grid);
        var (gradientSums, objective) = Integrate(
            evaluator,
            activations,
            baselines,
            points,
            equalWeights,
            target,
            batch
        );
        baselineObjective = objective;
        var scores = new double[multipliers.Length][];
        for (int l = 0; l < multipliers.Length; l++)
        {
            var weighted = multipliers[l].to_type(ScalarType.Float64) * gradientSums[l]; // [d_ff]
            scores[l] = (equalWeights ? weighted / points.Length : weighted).cpu().data<double>().ToArray();
        }
        return scores;
    }

    /// <summary>The fast path (one clean pass gives activations and objective) or the peers' naive path.</summary>
    static IIntegrandEvaluator Evaluator(
        CausalLm model,
        long[] tokens,
        long target,
        AttributionOptions options,
        out Tensor[] activations,
        out double cleanObjective
    )
    {
        if (options.FastPath)
        {
            var fast = new FastPath(model, tokens, options.Site, options.Objective, target);
            activations = fast.Activations;
            cleanObjective = fast.CleanObjective;
            return fast;
        }
        activations = SiteActivations
            .AtLastPosition(model, tensor(tokens, device: model.Device).unsqueeze(0), options.Site)
            .Select(a => a[0])
            .ToArray();
        cleanObjective = CleanObjective(model, tokens, target, options.Objective);
        return new NaivePath(model, tokens, options.Site, options.Objective);
    }

    /// <summary>
    /// Σ_k w_k ∂f/∂z at every path point of every layer ([L, d_ff] float64; w_k = 1 for equal-weight grids, whose
    /// 1/m the caller applies) and f at each layer's baseline ([L]), in batches of rows. Each layer contributes its m
    /// path points (plus a baseline row when the grid lacks α = 0), in layer order; f(baseline) rides in the same
    /// batches, so measuring it costs no extra pass over the weights.
    /// </summary>
    static (Tensor GradientSums, double[] BaselineObjective) Integrate(
        IIntegrandEvaluator evaluator,
        Tensor[] activations,
        Tensor[] baselines,
        PathPoint[] points,
        bool equalWeights,
        long target,
        int batchSize
    )
    {
        int layers = activations.Length;
        // Grids that start at α = 0 (left Riemann, linspace) already evaluate the baseline; others get an extra row
        // of weight 0.
        bool gridHasBaseline = points[0].Alpha == 0;
        var rowPoints = gridHasBaseline ? points : [new PathPoint(0.0, 0.0), .. points];
        int perLayer = rowPoints.Length;
        var rowLayers = Enumerable.Range(0, layers).SelectMany(l => Enumerable.Repeat(l, perLayer)).ToArray();
        var rowAlphas = Enumerable.Range(0, rowLayers.Length).Select(r => rowPoints[r % perLayer].Alpha).ToArray();
        bool IsPathRow(int r) => gridHasBaseline || r % perLayer != 0;
        double RowWeight(int r) =>
            !IsPathRow(r) ? 0.0
            : equalWeights ? 1.0
            : rowPoints[r % perLayer].Weight;
        var device = activations[0].device;
        var sums = zeros(layers, activations[0].shape[0], ScalarType.Float64, device);
        var baselineObjective = new double[layers];
        using var allActivations = stack(activations); // [L, d_ff]
        using var allBaselines = stack(baselines); // [L, d_ff]
        for (int start = 0; start < rowLayers.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int end = Math.Min(start + batchSize, rowLayers.Length);
            var chunkLayers = rowLayers[start..end];
            // Points z = b_l + α (a_l − b_l): [rows, d_ff].
            var alpha = tensor(rowAlphas[start..end], device: device).to_type(activations[0].dtype).unsqueeze(1);
            var layerIndex = tensor(chunkLayers.Select(l => (long)l).ToArray(), device: device);
            var a = allActivations.index_select(0, layerIndex);
            var b = allBaselines.index_select(0, layerIndex);
            var (objective, gradient) = evaluator.Evaluate(chunkLayers, b + alpha * (a - b), target, true);
            var weight = tensor(Enumerable.Range(start, end - start).Select(RowWeight).ToArray(), device: device)
                .unsqueeze(1); // [rows, 1]
            sums.index_add_(0, layerIndex, gradient!.to_type(ScalarType.Float64) * weight, 1.0);
            var values = objective.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            for (int r = start; r < end; r++)
                if (r % perLayer == 0)
                    baselineObjective[rowLayers[r]] = values[r - start];
        }
        return (sums, baselineObjective);
    }

    /// <summary>The model's top next token after <paramref name="prompt"/> (the authors' baseline_outputs
    /// argmax).</summary>
    static long ArgmaxAfter(CausalLm model, IReadOnlyList<long> prompt)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return model.Forward(tensor(prompt.ToArray(), device: model.Device).unsqueeze(0))[0, -1].argmax().item<long>();
    }

    static double CleanObjective(CausalLm model, long[] tokens, long target, AttributionObjective objective)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.Forward(tensor(tokens, device: model.Device).unsqueeze(0))[TensorIndex.Colon, -1];
        return Objective.Of(logits, target, objective).to_type(ScalarType.Float64).item<double>();
    }
}
