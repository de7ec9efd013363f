using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Interventions;

/// <summary>The interventions active on a model. MLPs consult it at each neuron site; scopes add and remove them.</summary>
public sealed class InterventionSet
{
    readonly List<NeuronIntervention> _active = [];

    public bool IsEmpty => _active.Count == 0;

    /// <summary>Activates interventions until the returned scope is disposed; the model is then as before.</summary>
    public IDisposable Push(params NeuronIntervention[] interventions)
    {
        _active.AddRange(interventions);
        return new Scope(this, interventions);
    }

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
            if (_disposed) return;
            _disposed = true;
            foreach (var item in items) owner._active.Remove(item);
        }
    }
}
