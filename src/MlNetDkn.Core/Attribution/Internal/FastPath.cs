using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Modeling.Layers;
using static TorchSharp.torch;

namespace MlNetDkn.Attribution.Internal;

/// <summary>
/// Exact fast path for causal models. Editing the site at the last position changes nothing at earlier positions, so
/// one clean pass over the prompt fills a KV cache (then cut back to the prefix and frozen) and records, at the last
/// position, each block's residual and MLP input, the site activations and the clean objective. A row for layer l
/// then starts at layer l's MLP (with its site replaced) and runs single-token blocks l+1..L−1 against the cache.
/// Rows of all layers share one batch: at depth j the rows already started go through block j together, and the
/// rows of layer j join them.
/// </summary>
sealed class FastPath : IIntegrandEvaluator
{
    readonly CausalLm _model;
    readonly NeuronSite _site;
    readonly AttributionObjective _objective;
    readonly KvCache _cache;
    readonly Tensor _positions;
    readonly int _offset;
    readonly Tensor[] _residuals; // per layer [1, 1, d_model]: block output minus its MLP output
    readonly Tensor[] _mlpInputs; // per layer [1, 1, d_model]
    readonly Tensor _headWeight; // [V, d] in float32 at least: converted once per prompt, not once per batch
    readonly bool _ownsHeadWeight;

    /// <summary>Per layer [d_ff]: the site's activation at the last position of the clean prompt.</summary>
    public Tensor[] Activations { get; }

    /// <summary>The objective for the clean prompt.</summary>
    public double CleanObjective { get; }

    public FastPath(CausalLm model, long[] tokens, NeuronSite site, AttributionObjective objective, long target)
    {
        _model = model;
        _site = site;
        _objective = objective;
        _headWeight = Objective.Precise(model.UnembeddingWeight);
        _ownsHeadWeight = model.DType is not (ScalarType.Float32 or ScalarType.Float64);
        int layers = model.Config.NumLayers;
        _cache = new KvCache(layers);
        _offset = tokens.Length - 1;
        _residuals = new Tensor[layers];
        _mlpInputs = new Tensor[layers];
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var positions = model.PositionsFor(0, tokens.Length);
        var captures = Enumerable
            .Range(0, layers)
            .Select(l => new CaptureActivation(l, site, TokenPositions.Last))
            .ToArray();
        var x = model.Embed(tensor(tokens, device: model.Device).unsqueeze(0), positions); // [1, n, d]
        var last = TensorIndex.Slice(_offset, _offset + 1);
        using (model.Intervene(captures))
            for (int l = 0; l < layers; l++)
            {
                var (residual, mlpInput) = model.Blocks[l].Attend(x, _cache, l, positions);
                _residuals[l] = residual[TensorIndex.Colon, last].DetachFromDisposeScope();
                _mlpInputs[l] = mlpInput[TensorIndex.Colon, last].DetachFromDisposeScope();
                x = residual + model.RunMlp(l, mlpInput, 0);
            }
        var logits = model.Head(x[TensorIndex.Colon, last])[TensorIndex.Colon, -1]; // [1, V]
        CleanObjective = Objective.Of(logits, target, objective).to_type(ScalarType.Float64).item<double>();
        Activations = captures.Select(c => c.Captured![0, 0].DetachFromDisposeScope()).ToArray();
        foreach (var c in captures)
            c.Dispose(); // the activations above are views that keep their storage
        _cache.Truncate(_offset);
        _cache.Frozen = true;
        _positions = model.PositionsFor(_offset, 1).DetachFromDisposeScope();
    }

    public (Tensor Objective, Tensor? Gradient) Evaluate(int[] rowLayers, Tensor points, long target, bool withGradient)
    {
        var z = points.detach();
        if (withGradient)
            z.requires_grad_(true);
        using var mode = withGradient ? enable_grad() : no_grad();
        Tensor? hidden = null; // [rows started, 1, d]
        int started = 0;
        for (int depth = rowLayers[0]; depth < _model.Config.NumLayers; depth++)
        {
            if (hidden is not null)
                hidden = _model.ForwardBlock(depth, hidden, _cache, _positions, _offset);
            int joining = 0;
            while (started + joining < rowLayers.Length && rowLayers[started + joining] == depth)
                joining++;
            if (joining == 0)
                continue;
            var rows = z[TensorIndex.Slice(started, started + joining)]; // [joining, d_ff]
            // The MLP from the site on: the rows are the site's values, so the projection into the site (whose output
            // the replacement would discard) is never computed; the one-row MLP input broadcasts where a gated MLP's
            // up projection needs it.
            var output = _residuals[depth]
                .Plus(_model.RunMlpFromSite(depth, _site, rows.unsqueeze(1), _mlpInputs[depth], _offset));
            hidden = hidden is null ? output : cat([hidden, output], 0);
            started += joining;
        }
        var normed = _model.FinalNorm(hidden!)[TensorIndex.Colon, -1]; // [n, d]
        if (!withGradient)
            return (Objective.Of(Objective.Precise(normed).matmul(_headWeight.t()), target, _objective), null);
        // The head's gradient in closed form, so autograd never holds the [n, vocab] logits; in float32 at least
        // whatever the model's dtype: a bfloat16 softmax over the vocabulary loses the answer.
        Tensor objective,
            headGradient;
        using (no_grad())
        {
            (objective, headGradient) = HeadGradient.Of(Objective.Precise(normed), _headWeight, target, _objective);
            headGradient = headGradient.to_type(normed.dtype);
        }
        var gradient = autograd.grad([normed], [z], [headGradient])[0]; // [n, d_ff]
        return (objective, gradient);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _positions.Dispose();
        if (_ownsHeadWeight)
            _headWeight.Dispose();
        foreach (var t in _residuals.Concat(_mlpInputs).Concat(Activations))
            t?.Dispose();
    }
}
