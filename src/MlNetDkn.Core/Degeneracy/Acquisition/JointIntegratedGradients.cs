using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Internal;
using MlNetDkn.Perturbation;
using static TorchSharp.torch;

namespace MlNetDkn.Degeneracy.Acquisition;

/// <summary>
/// Scores of joint integrated gradients on one prompt: per layer and neuron, in units of P(answer); the objective
/// with every gate open (suppressed neurons stay shut) and with every gate shut; and the completeness error
/// Σ scores − (P_open − P_shut), which a converged integral makes zero.
/// </summary>
public sealed record JointAttribution(double[][] Scores, double OpenProbability, double ShutProbability)
{
    /// <summary>
    /// Σ scores − (P_open − P_shut): zero for a converged integral; its size says how far the midpoint rule is off.
    /// </summary>
    public double CompletenessError => Scores.Sum(l => l.Sum()) - (OpenProbability - ShutProbability);
}

/// <summary>
/// Integrated gradients over every layer's MLP neurons at once, with one baseline (all neurons silent where the
/// answer is predicted): score_i = ∫₀¹ ∂P/∂g_i (α·m) dα, where g gates each neuron's output and m is 0 for suppressed
/// neurons, 1 otherwise. Unlike per-layer attribution, two copies that each carry the fact share the credit, since
/// neither saturates the answer while both rise together from zero. Midpoint rule unless the options name another grid
/// (Gauss–Legendre), rows batched over one prefix cache.
/// </summary>
public static class JointIntegratedGradients
{
    /// <summary>
    /// Joint IG scores on the probe's prompt, integrating the gates of every neuron not in
    /// <paramref name="suppressed"/> (which stay shut) with <see cref="KnockoutOptions.Steps"/> midpoints along
    /// <see cref="KnockoutOptions.Path"/>.
    /// </summary>
    public static JointAttribution Attribute(
        PrefixCacheProbe probe,
        IReadOnlyCollection<Neuron> suppressed,
        KnockoutOptions options
    ) =>
        options.ShareAcrossRounds
            ? AttributeShared(probe, suppressed, options)
            : AttributeAlone(probe, suppressed, options);

    /// <summary>
    /// The evaluation that shares what every round (and every call on the probe) has in common: layer 0 up to its
    /// gated site (embedding, attention, projections: no gate changes them) is computed once per probe and row count
    /// and kept, the clean activations of the replaced path once per probe, and each batch's per-layer sums reach the
    /// host in one copy. The same products on the same rows, summed in the same order, as
    /// <see cref="AttributeAlone"/>: the same bits.
    /// </summary>
    static JointAttribution AttributeShared(
        PrefixCacheProbe probe,
        IReadOnlyCollection<Neuron> suppressed,
        KnockoutOptions options
    )
    {
        var model = probe.Model;
        var on = (model.Device, model.DType); // read once: each read walks the model's parameters
        int layers = model.Config.NumLayers,
            width = model.Config.IntermediateSize;
        var mask = Mask(layers, width, suppressed);
        var sums = new double[layers][];
        for (int l = 0; l < layers; l++)
            sums[l] = new double[width];

        using var withGrad = enable_grad(); // callers may run under no_grad
        // L × [1, T_a, d_ff], owned by the probe
        var clean = options.Path == JointPath.Replace ? probe.SharedCleanActivations() : null;
        var grid = options.Grid ?? PathGrid.Midpoint;
        var points = PathPoints.Of(grid, options.Steps);
        bool equalWeights = PathPoints.HasEqualWeights(grid);
        for (int start = 0; start < points.Length; start += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = points.Skip(start).Take(options.BatchSize).ToArray();
            var alphas = batch.Select(p => p.Alpha).ToArray();
            var gates = Gates(on, mask, alphas, requiresGrad: true); // L × [n, d_ff]
            var probability = probe.GatedLogProbabilityFromPrefix(gates, clean).exp(); // [n]
            var gradients = autograd.grad([probability.sum()], gates); // L × [n, d_ff]
            var weights = tensor(batch.Select(p => p.Weight).ToArray(), device: on.Device).unsqueeze(1); // [n, 1]
            var perLayer = new Tensor[layers];
            for (int l = 0; l < layers; l++)
            {
                var rows = gradients[l].to_type(ScalarType.Float64); // [n, d_ff]
                if (!equalWeights)
                    rows = rows * weights;
                perLayer[l] = rows.sum(0L); // [d_ff] (0L: a literal 0 would bind to sum(ScalarType))
            }
            var g = stack(perLayer).cpu().data<double>().ToArray(); // L × d_ff, row-major
            for (int l = 0; l < layers; l++)
            for (int i = 0; i < width; i++)
                sums[l][i] += g[l * width + i];
        }
        // Both ends in one pass of two rows, as before: a row's bits can depend on the rows computed beside it.
        double[] ends;
        using (no_grad())
        using (NewDisposeScope())
            ends = probe
                .GatedLogProbabilityFromPrefix(Gates(on, mask, [1.0, 0.0], requiresGrad: false), clean)
                .exp()
                .cpu()
                .data<double>()
                .ToArray();
        return new JointAttribution(Scores(mask, sums, equalWeights, points.Length), ends[0], ends[1]);
    }

    static float[][] Mask(int layers, int width, IReadOnlyCollection<Neuron> suppressed)
    {
        var mask = new float[layers][];
        for (int l = 0; l < layers; l++)
            mask[l] = Enumerable.Repeat(1f, width).ToArray();
        foreach (var n in suppressed)
            mask[n.Layer][n.Index] = 0f;
        return mask;
    }

    static double[][] Scores(float[][] mask, double[][] sums, bool equalWeights, int points)
    {
        var scores = new double[mask.Length][];
        for (int l = 0; l < mask.Length; l++)
        {
            scores[l] = new double[mask[l].Length];
            for (int i = 0; i < mask[l].Length; i++)
                scores[l][i] = equalWeights ? mask[l][i] * sums[l][i] / points : mask[l][i] * sums[l][i];
        }
        return scores;
    }

    /// <summary>Each call on its own: the clean pass, both ends and every path row's full forward recomputed (the
    /// evaluation before <see cref="KnockoutOptions.ShareAcrossRounds"/>, kept to measure it).</summary>
    static JointAttribution AttributeAlone(
        PrefixCacheProbe probe,
        IReadOnlyCollection<Neuron> suppressed,
        KnockoutOptions options
    )
    {
        var model = probe.Model;
        int layers = model.Config.NumLayers,
            width = model.Config.IntermediateSize;
        var mask = new float[layers][];
        for (int l = 0; l < layers; l++)
            mask[l] = Enumerable.Repeat(1f, width).ToArray();
        foreach (var n in suppressed)
            mask[n.Layer][n.Index] = 0f;
        var sums = new double[layers][];
        for (int l = 0; l < layers; l++)
            sums[l] = new double[width];

        using var withGrad = enable_grad(); // callers may run under no_grad
        Tensor[]? clean = options.Path == JointPath.Replace ? probe.CleanActivations() : null; // L × [1, T_a, d_ff]
        try
        {
            var grid = options.Grid ?? PathGrid.Midpoint;
            var points = PathPoints.Of(grid, options.Steps);
            // Equal-weight grids sum the gradients and divide by m once (the bits of runs before weights existed).
            bool equalWeights = PathPoints.HasEqualWeights(grid);
            for (int start = 0; start < points.Length; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var batch = points.Skip(start).Take(options.BatchSize).ToArray();
                var alphas = batch.Select(p => p.Alpha).ToArray();
                var gates = Gates(model, mask, alphas, requiresGrad: true); // L × [n, d_ff]
                var probability = probe.GatedLogProbability(gates, clean).exp(); // [n]
                var gradients = autograd.grad([probability.sum()], gates); // L × [n, d_ff]
                // [n, 1]
                var weights = tensor(batch.Select(p => p.Weight).ToArray(), device: model.Device).unsqueeze(1);
                for (int l = 0; l < layers; l++)
                {
                    var rows = gradients[l].to_type(ScalarType.Float64); // [n, d_ff]
                    if (!equalWeights)
                        rows = rows * weights;
                    // [d_ff] (0L: a literal 0 would bind to sum(ScalarType))
                    var g = rows.sum(0L).cpu().data<double>().ToArray();
                    for (int i = 0; i < width; i++)
                        sums[l][i] += g[i];
                }
            }
            var scores = new double[layers][];
            for (int l = 0; l < layers; l++)
            {
                scores[l] = new double[width];
                for (int i = 0; i < width; i++)
                    scores[l][i] = equalWeights ? mask[l][i] * sums[l][i] / points.Length : mask[l][i] * sums[l][i];
            }
            double[] ends;
            using (no_grad())
            using (NewDisposeScope())
                ends = probe
                    .GatedLogProbability(Gates(model, mask, [1.0, 0.0], requiresGrad: false), clean)
                    .exp()
                    .cpu()
                    .data<double>()
                    .ToArray();
            return new JointAttribution(scores, ends[0], ends[1]);
        }
        finally
        {
            foreach (var c in clean ?? [])
                c.Dispose();
        }
    }

    /// <summary>Per layer, row r's gate α_r·m: L × [n, d_ff] on the given device and dtype.</summary>
    static Tensor[] Gates((Device Device, ScalarType DType) on, float[][] mask, double[] alphas, bool requiresGrad)
    {
        var alpha = tensor(alphas, device: on.Device).to_type(on.DType).unsqueeze(1); // [n, 1]
        return mask.Select(m =>
            {
                var gate = alpha * tensor(m, device: on.Device).to_type(on.DType).unsqueeze(0); // [n, d_ff]
                return requiresGrad ? gate.detach().requires_grad_(true) : gate;
            })
            .ToArray();
    }

    /// <summary>Per layer, row r's gate α_r·m: L × [n, d_ff] in the model's dtype.</summary>
    static Tensor[] Gates(Modeling.CausalLm model, float[][] mask, double[] alphas, bool requiresGrad)
    {
        var alpha = tensor(alphas, device: model.Device).to_type(model.DType).unsqueeze(1); // [n, 1]
        return mask.Select(m =>
            {
                var gate = alpha * tensor(m, device: model.Device).to_type(model.DType).unsqueeze(0); // [n, d_ff]
                return requiresGrad ? gate.detach().requires_grad_(true) : gate;
            })
            .ToArray();
    }
}
