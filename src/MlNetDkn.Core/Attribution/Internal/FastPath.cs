using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using static TorchSharp.torch;

namespace MlNetDkn.Attribution.Internal;

/// <summary>
/// Exact fast path for causal models. Editing the site at the last position changes nothing at earlier positions, so
/// the prefix is run once into a frozen KV cache, and the clean last-token pass records each block's residual and MLP
/// input. A row for layer l then starts at layer l's MLP (with its site replaced) and runs single-token blocks
/// l+1..L−1 against the cache. Rows of all layers share one batch: at depth j the rows already started go through
/// block j together, and the rows of layer j join them.
/// </summary>
sealed class FastPath : IIntegrandEvaluator
{
    readonly CausalLm _model;
    readonly NeuronSite _site;
    readonly AttributionObjective _objective;
    readonly KvCache _cache;
    readonly Tensor _positions;
    readonly int _offset;
    readonly Tensor[] _residuals;   // per layer [1, 1, d_model]: block output minus its MLP output
    readonly Tensor[] _mlpInputs;   // per layer [1, 1, d_model]

    public FastPath(CausalLm model, long[] tokens, NeuronSite site, AttributionObjective objective)
    {
        _model = model; _site = site; _objective = objective;
        int layers = model.Config.NumLayers;
        _cache = new KvCache(layers);
        _offset = tokens.Length - 1;
        _residuals = new Tensor[layers];
        _mlpInputs = new Tensor[layers];
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (_offset > 0) model.Forward(tensor(tokens[..^1], device: model.Device).unsqueeze(0), _cache);
        _cache.Frozen = true;
        _positions = model.PositionsFor(_offset, 1).DetachFromDisposeScope();
        var x = model.Embed(tensor(new[] { tokens[^1] }, device: model.Device).unsqueeze(0), _positions);   // [1, 1, d]
        for (int l = 0; l < layers; l++)
        {
            var (residual, mlpInput) = model.Blocks[l].Attend(x, _cache, l, _positions);
            _residuals[l] = residual.DetachFromDisposeScope();
            _mlpInputs[l] = mlpInput.DetachFromDisposeScope();
            x = residual + model.RunMlp(l, mlpInput, _offset);
        }
    }

    public (Tensor Objective, Tensor? Gradient) Evaluate(int[] rowLayers, Tensor points, long target, bool withGradient)
    {
        var z = points.detach();
        if (withGradient) z.requires_grad_(true);
        using var mode = withGradient ? enable_grad() : no_grad();
        Tensor? hidden = null;                                                                    // [rows started, 1, d]
        int started = 0;
        for (int depth = rowLayers[0]; depth < _model.Config.NumLayers; depth++)
        {
            if (hidden is not null) hidden = _model.ForwardBlock(depth, hidden, _cache, _positions, _offset);
            int joining = 0;
            while (started + joining < rowLayers.Length && rowLayers[started + joining] == depth) joining++;
            if (joining == 0) continue;
            var rows = z[TensorIndex.Slice(started, started + joining)];                         // [joining, d_ff]
            Tensor output;
            using (_model.Intervene(new ReplaceActivation(depth, _site, rows, TokenPositions.Last)))
                output = _residuals[depth].expand(joining, -1, -1)
                         + _model.RunMlp(depth, _mlpInputs[depth].expand(joining, -1, -1), _offset);
            hidden = hidden is null ? output : cat([hidden, output], 0);
            started += joining;
        }
        var logits = _model.Head(hidden!)[TensorIndex.Colon, -1];                                // [n, V]
        var objective = Objective.Of(logits, target, _objective);                                 // [n]
        if (!withGradient) return (objective, null);
        var gradient = autograd.grad([objective.sum()], [z])[0];                                  // [n, d_ff]
        return (objective.detach(), gradient);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _positions.Dispose();
        foreach (var t in _residuals.Concat(_mlpInputs)) t?.Dispose();
    }
}
