using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>Outcome of re-checking a DKN with an independent probe.</summary>
public sealed record DknVerificationResult(double BaselineProbability, IReadOnlyList<double> ComponentDrops, double JointDrop,
    bool EachComponentDispensable, bool JointlyNecessary)
{
    public bool Holds => EachComponentDispensable && JointlyNecessary;
}

/// <summary>
/// Re-checks both halves of the DKN definition with a probe other than the one that found it, normally a
/// <see cref="FullRecomputationProbe"/> (each suppression a separate full forward of prompt + answer).
/// </summary>
public static class DknVerification
{
    public static DknVerificationResult Verify(IAnswerProbe reference, IReadOnlyList<IReadOnlyList<Neuron>> components, double tLow, double tHigh)
    {
        var drops = Suppression.RelativeDrops(reference, [.. components.Select(c => (IReadOnlyCollection<Neuron>)c.ToArray()), Suppression.Union(components)]);
        var single = drops[..^1];
        return new DknVerificationResult(reference.BaselineProbability(), single, drops[^1], single.All(d => d < tLow), drops[^1] > tHigh);
    }
}
