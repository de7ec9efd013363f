using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Interventions;

/// <summary>The interventions active on a model. MLPs consult it at each neuron site; scopes add and remove
/// them.</summary>
public sealed class InterventionSet
{
    readonly List<NeuronIntervention> _active = [];

    /// <summary>
    /// True when no intervention is active (the forward pass then skips nothing and changes nothing).
    /// </summary>
    public bool IsEmpty => _active.Count == 0;

    /// <summary>Activates interventions until the returned scope is disposed; the model is then as before.</summary>
    public IDisposable Push(params NeuronIntervention[] interventions)
    {
        _active.AddRange(interventions);
        return new Scope(this, interventions);
    }

    /// <summary>
    /// Passes <paramref name="activations"/> [B, T, d_ff] of one layer's site through each active intervention for that
    /// layer and site, in the order they were pushed.
    /// </summary>
    /// <param name="offset">Absolute position of the chunk's first token (the cached length).</param>
    public Tensor Apply(int layer, NeuronSite site, Tensor activations, int offset)
    {
        foreach (var intervention in _active)
            if (intervention.Layer == layer && intervention.Site == site)
                activations = intervention.Apply(activations, offset);
        return activations;
    }

    sealed class Scope(InterventionSet owner, NeuronIntervention[] items) : IDisposable
    {
        bool _disposed;

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var item in items)
                owner._active.Remove(item);
        }
    }
}
