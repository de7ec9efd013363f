using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using static TorchSharp.torch;

namespace MlNetDkn.Degeneracy;

/// <summary>Outcome of re-checking a DKN by full recomputation.</summary>
public sealed record DknVerificationResult(double BaselineProbability, IReadOnlyList<double> ComponentDrops, double JointDrop,
    bool EachComponentDispensable, bool JointlyNecessary)
{
    public bool Holds => EachComponentDispensable && JointlyNecessary;
}

/// <summary>
/// Re-checks both halves of the DKN definition independently of the batched probe: each suppression is a separate
/// full forward pass of prompt + answer with the neurons zeroed at the positions that predict the answer.
/// </summary>
public static class DknVerification
{
    public static DknVerificationResult Verify(CausalLm model, IReadOnlyList<long> prompt, IReadOnlyList<long> answer,
        IReadOnlyList<IReadOnlyList<Neuron>> components, double tLow, double tHigh, NeuronSite site = NeuronSite.Post)
    {
        double p0 = AnswerProbability(model, prompt, answer, [], site);
        var drops = components.Select(c => (p0 - AnswerProbability(model, prompt, answer, c, site)) / p0).ToList();
        double joint = (p0 - AnswerProbability(model, prompt, answer, components.SelectMany(c => c).ToList(), site)) / p0;
        return new DknVerificationResult(p0, drops, joint, drops.All(d => d < tLow), joint > tHigh);
    }

    /// <summary>Teacher-forced P(answer | prompt) with <paramref name="suppressed"/> zeroed where the answer is predicted.</summary>
    public static double AnswerProbability(CausalLm model, IReadOnlyList<long> prompt, IReadOnlyList<long> answer,
        IReadOnlyCollection<Neuron> suppressed, NeuronSite site)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long[] sequence = [.. prompt, .. answer];
        var positions = TokenPositions.At(Enumerable.Range(prompt.Count - 1, answer.Count).ToArray());
        var edits = suppressed.GroupBy(n => n.Layer)
            .Select(g => (NeuronIntervention)new ScaleNeurons(g.Key, site, g.Select(n => n.Index).ToArray(), 0.0, positions)).ToArray();
        using (model.Intervene(edits))
        {
            var logProbs = model.Forward(tensor(sequence, device: model.Device).unsqueeze(0))[0].to_type(ScalarType.Float64).log_softmax(-1);
            double total = 0;
            for (int t = 0; t < answer.Count; t++) total += logProbs[prompt.Count - 1 + t, answer[t]].item<double>();
            return Math.Exp(total);
        }
    }
}
