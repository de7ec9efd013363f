using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy.Internal;

/// <summary>Relative drops (P0 − P)/P0 for batches of suppression sets, checked once here for every caller.</summary>
internal static class Suppression
{
    public static double[] RelativeDrops(IAnswerProbe probe, IReadOnlyList<IReadOnlyCollection<Neuron>> sets)
    {
        if (sets.Count == 0)
            return [];
        double p0 = Baseline(probe);
        var p = probe.SuppressedProbabilities(sets);
        if (p.Count != sets.Count)
            throw new InvalidOperationException(
                $"suppression probe returned {p.Count} probabilities for {sets.Count} sets"
            );
        return p.Select(x => (p0 - x) / p0).ToArray();
    }

    public static double Baseline(IAnswerProbe probe)
    {
        double p0 = probe.BaselineProbability();
        // A relative drop is undefined at P0 = 0 (the authors' code divides by zero there).
        if (!(p0 > 0))
            throw new DknInputException($"answer probability without suppression is {p0}; relative drops need P0 > 0");
        return p0;
    }

    /// <summary>The union of the given components, as one suppression set.</summary>
    public static Neuron[] Union(IEnumerable<IReadOnlyList<Neuron>> components) =>
        components.SelectMany(c => c).Distinct().ToArray();
}
