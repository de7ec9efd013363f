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
        request.Validate(model.Config.VocabSize);
        int layers = model.Config.NumLayers, answerLength = request.AnswerTokens.Count;
        var alphas = PathPoints.Alphas(options.Grid, options.Steps);

        var perTokenScores = new List<double[][]>();
        var atActivation = new double[answerLength];
        var atBaseline = new double[layers][];
        for (int l = 0; l < layers; l++) atBaseline[l] = new double[answerLength];
        var completeness = new double[layers][];
        for (int l = 0; l < layers; l++) completeness[l] = new double[answerLength];

        for (int t = 0; t < answerLength; t++)
        {
            using var scope = NewDisposeScope();
            // Teacher forcing: answer token t is predicted from the prompt and the gold answer tokens before it.
            long[] tokens = [.. request.PromptTokens, .. request.AnswerTokens.Take(t)];
            long target = request.AnswerTokens[t];
            var activations = SiteActivations.AtLastPosition(model, tensor(tokens, device: model.Device).unsqueeze(0), options.Site)
                .Select(a => a[0]).ToArray();                                                            // L × [d_ff]
            var baselines = SiteActivations.Baselines(model, tokens, options, activations);             // L × [d_ff]

            using IIntegrandEvaluator evaluator = options.FastPath
                ? new FastPath(model, tokens, options.Site, options.Objective)
                : new NaivePath(model, tokens, options.Site, options.Objective);

            atActivation[t] = CleanObjective(model, tokens, target, options.Objective);
            var baselineObjective = evaluator.Evaluate(Enumerable.Range(0, layers).ToArray(), stack(baselines), target, false)
                .Objective.to_type(ScalarType.Float64).cpu().data<double>().ToArray();

            var gradientSums = IntegrateGradients(evaluator, activations, baselines, alphas, target, options.BatchSize);  // [L, d_ff]
            var scores = new double[layers][];
            for (int l = 0; l < layers; l++)
            {
                var multiplier = options.Multiplier == ScoreMultiplier.Activation ? activations[l] : activations[l] - baselines[l];
                scores[l] = (multiplier.to_type(ScalarType.Float64) * gradientSums[l] / alphas.Length).cpu().data<double>().ToArray();
                atBaseline[l][t] = baselineObjective[l];
                completeness[l][t] = scores[l].Sum() - (atActivation[t] - baselineObjective[l]);
            }
            perTokenScores.Add(scores);
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

    /// <summary>Σ_k ∂f/∂z at every path point of every layer, in batches of rows: [L, d_ff] float64.</summary>
    static Tensor IntegrateGradients(IIntegrandEvaluator evaluator, Tensor[] activations, Tensor[] baselines,
        double[] alphas, long target, int batchSize)
    {
        int layers = activations.Length;
        var rowLayers = Enumerable.Range(0, layers).SelectMany(l => Enumerable.Repeat(l, alphas.Length)).ToArray();
        var sums = zeros(layers, activations[0].shape[0], ScalarType.Float64, activations[0].device);
        using var alphaColumn = tensor(alphas, device: activations[0].device).to_type(activations[0].dtype).unsqueeze(1);  // [m, 1]
        for (int start = 0; start < rowLayers.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int end = Math.Min(start + batchSize, rowLayers.Length);
            var chunkLayers = rowLayers[start..end];
            // Path points of the chunk: z = b_l + α_k (a_l − b_l), rows in layer-major order.
            var points = cat(Enumerable.Range(start, end - start).GroupBy(r => rowLayers[r]).Select(g =>
            {
                int l = g.Key;
                var ks = tensor(g.Select(r => (long)(r - l * alphas.Length)).ToArray(), device: alphaColumn.device);
                return baselines[l].unsqueeze(0) + alphaColumn.index_select(0, ks) * (activations[l] - baselines[l]).unsqueeze(0);
            }).ToList(), 0);                                                                             // [rows, d_ff]
            var gradient = evaluator.Evaluate(chunkLayers, points, target, true).Gradient!.to_type(ScalarType.Float64);
            var layerIndex = tensor(chunkLayers.Select(l => (long)l).ToArray(), device: sums.device);
            sums.index_add_(0, layerIndex, gradient, 1.0);
        }
        return sums;
    }

    static double CleanObjective(CausalLm model, long[] tokens, long target, AttributionObjective objective)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.Forward(tensor(tokens, device: model.Device).unsqueeze(0))[TensorIndex.Colon, -1];
        return Objective.Of(logits, target, objective).to_type(ScalarType.Float64).item<double>();
    }
}
