using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using static TorchSharp.torch;

namespace MlNetDkn.Attribution.Internal;

/// <summary>
/// The peers' algorithm: for each layer, a batch of whole-prompt copies with that layer's site replaced by path
/// points at the last position. Kept as the reference the fast path is tested against.
/// </summary>
sealed class NaivePath(CausalLm model, long[] tokens, NeuronSite site, AttributionObjective objectiveKind)
    : IIntegrandEvaluator
{
    public (Tensor Objective, Tensor? Gradient) Evaluate(int[] rowLayers, Tensor points, long target, bool withGradient)
    {
        var objectives = new List<Tensor>();
        var gradients = new List<Tensor>();
        foreach (var group in rowLayers.Select((layer, row) => (layer, row)).GroupBy(x => x.layer))
        {
            long first = group.First().row,
                n = group.Count();
            var z = points[TensorIndex.Slice(first, first + n)].detach();
            if (withGradient)
                z.requires_grad_(true);
            using var mode = withGradient ? enable_grad() : no_grad();
            using var input = tensor(tokens, device: model.Device).unsqueeze(0).expand(n, -1); // [n, T]
            using (model.Intervene(new ReplaceActivation(group.Key, site, z, TokenPositions.Last)))
            {
                var logits = model.Forward(input)[TensorIndex.Colon, -1]; // [n, V]
                var objective = Objective.Of(logits, target, objectiveKind); // [n]
                objectives.Add(objective.detach());
                if (withGradient)
                    gradients.Add(autograd.grad([objective.sum()], [z])[0]); // [n, d_ff]
            }
        }
        return (cat(objectives, 0), withGradient ? cat(gradients, 0) : null);
    }

    public void Dispose() { }
}
