using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Interventions;

/// <summary>
/// An edit or read of one layer's neuron site during a forward pass. <see cref="Apply"/> receives the site's
/// activations [B, T, d_ff] of the current forward call and returns the (possibly new) activations.
/// </summary>
public abstract class NeuronIntervention(int layer, NeuronSite site)
{
    public int Layer { get; } = layer;
    public NeuronSite Site { get; } = site;

    /// <param name="activations">[B, T, d_ff]</param>
    /// <param name="offset">absolute position of the chunk's first token (cached length)</param>
    public abstract Tensor Apply(Tensor activations, int offset);
}

/// <summary>Multiplies chosen neurons by a factor at chosen positions (0 suppresses, 2 enhances).</summary>
public sealed class ScaleNeurons(int layer, NeuronSite site, IReadOnlyList<int> neurons, double factor, TokenPositions positions)
    : NeuronIntervention(layer, site)
{
    public IReadOnlyList<int> Neurons { get; } = neurons;
    public double Factor { get; } = factor;
    public TokenPositions Positions { get; } = positions;

    /// <summary>One scaling per layer that holds any of <paramref name="neurons"/> (none for an empty set).</summary>
    public static NeuronIntervention[] PerLayer(IEnumerable<Neuron> neurons, NeuronSite site, double factor, TokenPositions positions) =>
        neurons.GroupBy(n => n.Layer)
            .Select(g => (NeuronIntervention)new ScaleNeurons(g.Key, site, g.Select(n => n.Index).ToArray(), factor, positions))
            .ToArray();

    public override Tensor Apply(Tensor activations, int offset)
    {
        long t = activations.shape[1], f = activations.shape[2];
        var selected = Positions.InChunk(offset, (int)t).ToArray();
        if (selected.Length == 0 || Neurons.Count == 0) return activations;
        using var scope = NewDisposeScope();
        var scale = ones(t, f, activations.dtype, activations.device);                    // [T, d_ff]
        var rows = tensor(selected, device: activations.device);
        var cols = tensor(Neurons.Select(i => (long)i).ToArray(), device: activations.device);
        var block = scale.index_select(0, rows);                                            // [P, d_ff]
        block.index_fill_(1, cols, Factor);
        scale.index_copy_(0, rows, block);
        return (activations * scale).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Multiplies the activations at one chunk position by a per-row scale [B, d_ff] (or [d_ff]). Lets one batch evaluate
/// many suppression configurations at once, one per row.
/// </summary>
public sealed class ScaleRows(int layer, NeuronSite site, Tensor scale, TokenPositions position) : NeuronIntervention(layer, site)
{
    public override Tensor Apply(Tensor activations, int offset)
    {
        long t = activations.shape[1];
        var selected = position.InChunk(offset, (int)t).ToArray();
        if (selected.Length == 0) return activations;
        using var scope = NewDisposeScope();
        var factors = ones_like(activations);                                               // [B, T, d_ff]
        var rowScale = scale.dim() == 1 ? scale.unsqueeze(0).expand(activations.shape[0], -1) : scale;
        foreach (var p in selected) factors[TensorIndex.Colon, TensorIndex.Single(p)] = rowScale;
        return (activations * factors).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Replaces the whole d_ff vector at one position by <c>value</c> ([B, d_ff] or [d_ff]). If the value requires grad,
/// autograd reaches it through the rest of the forward pass: this is how integrated gradients attach.
/// </summary>
public sealed class ReplaceActivation(int layer, NeuronSite site, Tensor value, TokenPositions position) : NeuronIntervention(layer, site)
{
    public override Tensor Apply(Tensor activations, int offset)
    {
        var selected = position.InChunk(offset, (int)activations.shape[1]).ToArray();
        if (selected.Length == 0) return activations;
        var rows = value.dim() == 1 ? value.unsqueeze(0).expand(activations.shape[0], -1) : value;
        var result = activations.clone();
        foreach (var p in selected) result[TensorIndex.Colon, TensorIndex.Single(p)] = rows;
        return result;
    }
}

/// <summary>
/// Training-time dropout of single neurons: each activation is zeroed with probability <see cref="Rate"/> and the
/// rest scaled by 1/(1 − rate), from torch's seeded generator. Trains a model not to rely on any one neuron.
/// </summary>
public sealed class NeuronDropout(int layer, NeuronSite site, double rate) : NeuronIntervention(layer, site)
{
    public double Rate { get; } = rate;

    public override Tensor Apply(Tensor activations, int offset)
    {
        using var scope = NewDisposeScope();
        var keep = rand_like(activations).ge(Rate).to_type(activations.dtype);                  // [B, T, d_ff]
        return (activations * keep / (1 - Rate)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Keeps the activations of each forward call (graph attached, for a training penalty) without changing them; they
/// are moved to the caller's dispose scope, so they outlive the forward pass and go with the caller's batch.
/// </summary>
public sealed class ActivationTap(int layer, NeuronSite site) : NeuronIntervention(layer, site)
{
    public List<Tensor> Seen { get; } = [];

    public override Tensor Apply(Tensor activations, int offset)
    {
        Seen.Add(activations.MoveToOuterDisposeScope());
        return activations;
    }
}

/// <summary>Multiplies every position's activations by a fixed per-row mask [B, 1, d_ff] (training-time group dropout).</summary>
public sealed class MultiplyActivations(int layer, NeuronSite site, Tensor mask) : NeuronIntervention(layer, site)
{
    public override Tensor Apply(Tensor activations, int offset) => activations * mask;
}

/// <summary>
/// Records a detached copy of the activations at chosen positions ([B, P, d_ff]) without changing them. The copy
/// belongs to this object, not to any dispose scope: dispose the capture when done with it.
/// </summary>
public sealed class CaptureActivation(int layer, NeuronSite site, TokenPositions positions) : NeuronIntervention(layer, site), IDisposable
{
    public Tensor? Captured { get; private set; }

    public override Tensor Apply(Tensor activations, int offset)
    {
        var selected = positions.InChunk(offset, (int)activations.shape[1]).ToArray();
        if (selected.Length == 0) return activations;
        using var index = tensor(selected, device: activations.device);
        Captured?.Dispose();
        Captured = activations.detach().index_select(1, index).DetachFromDisposeScope();
        return activations;
    }

    public void Dispose()
    {
        Captured?.Dispose();
        Captured = null;
    }
}

/// <summary>
/// Multiplies every chunk position's activations by a per-row gate [B, d_ff] (graph attached, so the gate's gradient
/// is reachable). With <c>fixedActivations</c> ([1, T, d_ff]) the gate multiplies those instead of the live ones: the
/// layer no longer responds to what earlier layers' gates did (joint IG with replaced activations).
/// </summary>
public sealed class GateNeurons(int layer, NeuronSite site, Tensor gate, Tensor? fixedActivations = null) : NeuronIntervention(layer, site)
{
    public override Tensor Apply(Tensor activations, int offset) =>
        (fixedActivations ?? activations) * gate.unsqueeze(1);                                      // [B, T, d_ff]
}
