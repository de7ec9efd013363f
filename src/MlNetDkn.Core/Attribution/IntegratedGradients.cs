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
    public static AttributionResult Attribute(CausalLm model, AttributionRequest request, AttributionOptions? options = null)
    {
        options ??= AttributionOptions.Default;
        options.Validate();
        request.Validate(model.Config.VocabSize, model.Config.MaxPositions);
        int layers = model.Config.NumLayers, answerLength = request.AnswerTokens.Count;
        var alphas = PathPoints.Alphas(options.Grid, options.Steps);

        var perTokenScores = new List<double[][]>();
        var atActivation = new double[answerLength];
        var atBaseline = new double[layers][];
        for (int l = 0; l < layers; l++) atBaseline[l] = new double[answerLength];
        var completeness = new double[layers][];
        for (int l = 0; l < layers; l++) completeness[l] = new double[answerLength];

        bool stale = options.MultiToken == MultiTokenMode.AuthorsStaleArgmax && answerLength > 1;
        long staleToken = stale ? ArgmaxAfter(model, request.PromptTokens) : 0;
        Tensor[]? firstActivations = null;                                                        // the authors' frozen multiplier
        try
        {
            for (int t = 0; t < answerLength; t++)
            {
                using var scope = NewDisposeScope();
                // Teacher forcing: answer token t is predicted from the prompt and the gold answer tokens before it; the
                // authors' mode appends the same stale argmax token t times instead.
                long[] tokens = stale ? [.. request.PromptTokens, .. Enumerable.Repeat(staleToken, t)] : [.. request.PromptTokens, .. request.AnswerTokens.Take(t)];
                long target = request.AnswerTokens[t];
                using var evaluator = Evaluator(model, tokens, target, options, out var activations, out atActivation[t]);  // L × [d_ff]
                var baselines = SiteActivations.Baselines(model, tokens, options, activations);                      // L × [d_ff]
                if (stale && t == 0) firstActivations = activations.Select(a => a.clone().DetachFromDisposeScope()).ToArray();

                int batch = options.MemoryBudgetMib > 0 ? RowBatch.ForBudget(model.Config, model.DType, tokens.Length, options.MemoryBudgetMib) : options.BatchSize;
                var (gradientSums, baselineObjective) = Integrate(evaluator, activations, baselines, alphas, target, batch);
                var scores = new double[layers][];
                for (int l = 0; l < layers; l++)
                {
                    var multiplier = stale ? firstActivations![l]
                        : options.Multiplier == ScoreMultiplier.Activation ? activations[l] : activations[l] - baselines[l];
                    scores[l] = (multiplier.to_type(ScalarType.Float64) * gradientSums[l] / alphas.Length).cpu().data<double>().ToArray();
                    atBaseline[l][t] = baselineObjective[l];
                    completeness[l][t] = scores[l].Sum() - (atActivation[t] - baselineObjective[l]);
                }
                perTokenScores.Add(scores);
            }
        }
        finally
        {
            foreach (var a in firstActivations ?? []) a.Dispose();
        }

        double Combine(IEnumerable<double> values) =>
            options.Aggregation == TokenAggregation.Sum ? values.Sum() : values.Average();
        var combined = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            int width = perTokenScores[0][l].Length;
            combined[l] = new double[width];
            for (int i = 0; i < width; i++) combined[l][i] = Combine(perTokenScores.Select(s => s[l][i]));
        }
        return new AttributionResult
        {
            Scores = combined, ObjectiveAtActivation = atActivation, ObjectiveAtBaseline = atBaseline,
            CompletenessError = completeness.Select(Combine).ToArray(), Options = options,
        };
    }

    /// <summary>The fast path (one clean pass gives activations and objective) or the peers' naive path.</summary>
    static IIntegrandEvaluator Evaluator(CausalLm model, long[] tokens, long target, AttributionOptions options,
        out Tensor[] activations, out double cleanObjective)
    {
        if (options.FastPath)
        {
            var fast = new FastPath(model, tokens, options.Site, options.Objective, target);
            activations = fast.Activations;
            cleanObjective = fast.CleanObjective;
            return fast;
        }
        activations = SiteActivations.AtLastPosition(model, tensor(tokens, device: model.Device).unsqueeze(0), options.Site)
            .Select(a => a[0]).ToArray();
        cleanObjective = CleanObjective(model, tokens, target, options.Objective);
        return new NaivePath(model, tokens, options.Site, options.Objective);
    }

    /// <summary>
    /// Σ_k ∂f/∂z at every path point of every layer ([L, d_ff] float64) and f at each layer's baseline ([L]), in
    /// batches of rows. Each layer contributes its m path points (plus a baseline row when the grid lacks α = 0), in
    /// layer order; f(baseline) rides in the same batches, so measuring it costs no extra pass over the weights.
    /// </summary>
    static (Tensor GradientSums, double[] BaselineObjective) Integrate(IIntegrandEvaluator evaluator, Tensor[] activations,
        Tensor[] baselines, double[] alphas, long target, int batchSize)
    {
        int layers = activations.Length;
        // Grids that start at α = 0 (left Riemann, linspace) already evaluate the baseline; others get an extra row.
        bool gridHasBaseline = alphas[0] == 0;
        var pointAlphas = gridHasBaseline ? alphas : [0.0, .. alphas];
        int perLayer = pointAlphas.Length;
        var rowLayers = Enumerable.Range(0, layers).SelectMany(l => Enumerable.Repeat(l, perLayer)).ToArray();
        var rowAlphas = Enumerable.Range(0, rowLayers.Length).Select(r => pointAlphas[r % perLayer]).ToArray();
        bool IsPathRow(int r) => gridHasBaseline || r % perLayer != 0;
        var device = activations[0].device;
        var sums = zeros(layers, activations[0].shape[0], ScalarType.Float64, device);
        var baselineObjective = new double[layers];
        using var allActivations = stack(activations);                                               // [L, d_ff]
        using var allBaselines = stack(baselines);                                                   // [L, d_ff]
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
            var isPath = tensor(Enumerable.Range(start, end - start).Select(r => IsPathRow(r) ? 1.0 : 0.0).ToArray(), device: device).unsqueeze(1);
            sums.index_add_(0, layerIndex, gradient!.to_type(ScalarType.Float64) * isPath, 1.0);
            var values = objective.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            for (int r = start; r < end; r++)
                if (r % perLayer == 0) baselineObjective[rowLayers[r]] = values[r - start];
        }
        return (sums, baselineObjective);
    }

    /// <summary>The model's top next token after <paramref name="prompt"/> (the authors' baseline_outputs argmax).</summary>
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
