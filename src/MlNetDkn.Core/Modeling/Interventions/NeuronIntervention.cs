using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Interventions;

/// <summary>
/// An edit or read of one layer's neuron site during a forward pass. <see cref="Apply"/> receives the site's
/// activations [B, T, d_ff] of the current forward call and returns the (possibly new) activations.
/// </summary>
public abstract class NeuronIntervention(int layer, NeuronSite site)
{
    /// <summary>0-based transformer block whose MLP site the intervention acts on.</summary>
    public int Layer { get; } = layer;

    /// <summary>Which activation of the MLP the intervention sees: pre-activation or neuron output.</summary>
    public NeuronSite Site { get; } = site;

    /// <param name="activations">[B, T, d_ff]</param>
    /// <param name="offset">absolute position of the chunk's first token (cached length)</param>
    public abstract Tensor Apply(Tensor activations, int offset);
}

/// <summary>Multiplies chosen neurons by a factor at chosen positions (0 suppresses, 2 enhances).</summary>
public sealed class ScaleNeurons(
    int layer,
    NeuronSite site,
    IReadOnlyList<int> neurons,
    double factor,
    TokenPositions positions
) : NeuronIntervention(layer, site)
{
    /// <summary>0-based neuron indices within the layer's d_ff activations that are scaled.</summary>
    public IReadOnlyList<int> Neurons { get; } = neurons;

    /// <summary>Multiplier applied to the chosen neurons (0 suppresses, 1 leaves unchanged, 2 enhances).</summary>
    public double Factor { get; } = factor;

    /// <summary>Token positions where the scaling applies; other positions are untouched.</summary>
    public TokenPositions Positions { get; } = positions;

    /// <summary>One scaling per layer that holds any of <paramref name="neurons"/> (none for an empty set).</summary>
    public static NeuronIntervention[] PerLayer(
        IEnumerable<Neuron> neurons,
        NeuronSite site,
        double factor,
        TokenPositions positions
    ) =>
        neurons
            .GroupBy(n => n.Layer)
            .Select(g =>
                (NeuronIntervention)new ScaleNeurons(g.Key, site, g.Select(n => n.Index).ToArray(), factor, positions)
            )
            .ToArray();

    /// <summary>
    /// Returns a copy of <paramref name="activations"/> [B, T, d_ff] with the chosen neurons scaled at the selected
    /// positions of the chunk; the input itself when nothing is selected.
    /// </summary>
    public override Tensor Apply(Tensor activations, int offset)
    {
        long t = activations.shape[1],
            f = activations.shape[2];
        var selected = Positions.InChunk(offset, (int)t).ToArray();
        if (selected.Length == 0 || Neurons.Count == 0)
            return activations;
        using var scope = NewDisposeScope();
        var scale = ones(t, f, activations.dtype, activations.device); // [T, d_ff]
        var rows = tensor(selected, device: activations.device);
        var cols = tensor(Neurons.Select(i => (long)i).ToArray(), device: activations.device);
        var block = scale.index_select(0, rows); // [P, d_ff]
        block.index_fill_(1, cols, Factor);
        scale.index_copy_(0, rows, block);
        return (activations * scale).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Multiplies the activations at one chunk position by a per-row scale [B, d_ff] (or [d_ff]). Lets one batch evaluate
/// many suppression configurations at once, one per row.
/// </summary>
public sealed class ScaleRows(int layer, NeuronSite site, Tensor scale, TokenPositions position)
    : NeuronIntervention(layer, site)
{
    /// <summary>
    /// Multiplies each batch row's activations at the selected chunk positions by that row's scale; returns the input
    /// when no position is in the chunk.
    /// </summary>
    public override Tensor Apply(Tensor activations, int offset)
    {
        long t = activations.shape[1];
        var selected = position.InChunk(offset, (int)t).ToArray();
        if (selected.Length == 0)
            return activations;
        using var scope = NewDisposeScope();
        var factors = ones_like(activations); // [B, T, d_ff]
        var rowScale = scale.dim() == 1 ? scale.unsqueeze(0).expand(activations.shape[0], -1) : scale;
        foreach (var p in selected)
            factors[TensorIndex.Colon, TensorIndex.Single(p)] = rowScale;
        return (activations * factors).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Replaces the whole d_ff vector at one position by <c>value</c> ([B, d_ff] or [d_ff]). If the value requires grad,
/// autograd reaches it through the rest of the forward pass: this is how integrated gradients attach.
/// </summary>
public sealed class ReplaceActivation(int layer, NeuronSite site, Tensor value, TokenPositions position)
    : NeuronIntervention(layer, site)
{
    /// <summary>
    /// Returns a copy with the selected chunk positions' d_ff vectors replaced by the value (broadcast over the batch
    /// when it is [d_ff]).
    /// </summary>
    public override Tensor Apply(Tensor activations, int offset)
    {
        var selected = position.InChunk(offset, (int)activations.shape[1]).ToArray();
        if (selected.Length == 0)
            return activations;
        var rows = value.dim() == 1 ? value.unsqueeze(0).expand(activations.shape[0], -1) : value;
        var result = activations.clone();
        foreach (var p in selected)
            result[TensorIndex.Colon, TensorIndex.Single(p)] = rows;
        return result;
    }
}

/// <summary>
/// Training-time dropout of single neurons: each activation is zeroed with probability <see cref="Rate"/> and the
/// rest scaled by 1/(1 − rate), from torch's seeded generator. Trains a model not to rely on any one neuron.
/// </summary>
public sealed class NeuronDropout(int layer, NeuronSite site, double rate) : NeuronIntervention(layer, site)
{
    /// <summary>Probability in [0, 1) that one activation is zeroed.</summary>
    public double Rate { get; } = rate;

    /// <summary>
    /// Returns activations [B, T, d_ff] with each element zeroed with probability <see cref="Rate"/> and the rest
    /// scaled by 1/(1 − rate).
    /// </summary>
    public override Tensor Apply(Tensor activations, int offset)
    {
        using var scope = NewDisposeScope();
        var keep = rand_like(activations).ge(Rate).to_type(activations.dtype); // [B, T, d_ff]
        return (activations * keep / (1 - Rate)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Keeps the activations of each forward call (graph attached, for a training penalty) without changing them; they
/// are moved to the caller's dispose scope, so they outlive the forward pass and go with the caller's batch.
/// </summary>
public sealed class ActivationTap(int layer, NeuronSite site) : NeuronIntervention(layer, site)
{
    /// <summary>Activations of each forward call, [B, T, d_ff] in call order, with their autograd graph.</summary>
    public List<Tensor> Seen { get; } = [];

    /// <summary>Appends <paramref name="activations"/> to <see cref="Seen"/> and returns them unchanged.</summary>
    public override Tensor Apply(Tensor activations, int offset)
    {
        Seen.Add(activations.MoveToOuterDisposeScope());
        return activations;
    }
}

/// <summary>Multiplies every position's activations by a fixed per-row mask [B, 1, d_ff] (training-time group
/// dropout).</summary>
public sealed class MultiplyActivations(int layer, NeuronSite site, Tensor mask) : NeuronIntervention(layer, site)
{
    /// <summary>Returns <paramref name="activations"/> [B, T, d_ff] times the mask [B, 1, d_ff].</summary>
    public override Tensor Apply(Tensor activations, int offset) => activations * mask;
}

/// <summary>
/// Records a detached copy of the activations at chosen positions ([B, P, d_ff]) without changing them. The copy
/// belongs to this object, not to any dispose scope: dispose the capture when done with it.
/// </summary>
public sealed class CaptureActivation(int layer, NeuronSite site, TokenPositions positions)
    : NeuronIntervention(layer, site),
        IDisposable
{
    /// <summary>
    /// The last capture, [B, P, d_ff] for the P selected positions, detached; null until a forward call covers a
    /// selected position.
    /// </summary>
    public Tensor? Captured { get; private set; }

    /// <summary>
    /// Captures the selected positions of the chunk (replacing any earlier capture) and returns the activations
    /// unchanged.
    /// </summary>
    public override Tensor Apply(Tensor activations, int offset)
    {
        var selected = positions.InChunk(offset, (int)activations.shape[1]).ToArray();
        if (selected.Length == 0)
            return activations;
        using var index = tensor(selected, device: activations.device);
        Captured?.Dispose();
        Captured = activations.detach().index_select(1, index).DetachFromDisposeScope();
        return activations;
    }

    /// <summary>Disposes the captured tensor and clears <see cref="Captured"/>.</summary>
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
public sealed class GateNeurons(int layer, NeuronSite site, Tensor gate, Tensor? fixedActivations = null)
    : NeuronIntervention(layer, site)
{
    /// <summary>
    /// Returns the live (or fixed) activations [B, T, d_ff] times the gate [B, d_ff] at every position.
    /// </summary>
    public override Tensor Apply(Tensor activations, int offset) =>
        (fixedActivations ?? activations) * gate.unsqueeze(1); // [B, T, d_ff]
}
