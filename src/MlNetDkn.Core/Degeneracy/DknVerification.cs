using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>
/// Re-checks a DKN with probes other than the ones that found it, normally <see cref="FullRecomputationProbe"/>s
/// (each suppression a separate full forward of prompt + answer), against the same definition: under a strict check
/// every proper subset of the components stays below t_low and the whole set exceeds t_high on every checked prompt;
/// under the lenient rule each component alone stays below t_low.
/// </summary>
public static class DknVerification
{
    /// <summary>
    /// Re-checks <paramref name="components"/> on every reference probe against <paramref name="check"/>'s definition
    /// (strict: every proper subset, or a seeded sample beyond the exhaustive limit, and the whole set; lenient: each
    /// component alone).
    /// </summary>
    /// <param name="references">
    /// One probe per checked prompt, the first prompt first; usually full-recomputation probes.
    /// </param>
    public static DknRecheck Verify(
        IReadOnlyList<IAnswerProbe> references,
        IReadOnlyList<IReadOnlyList<Neuron>> components,
        FunctionalCheckOptions check
    )
    {
        int n = components.Count;
        var subsets =
            check.Strict && check.ProperSubsets
                ? (
                    n <= check.ExhaustiveLimit
                        ? SubsetPlan.All(n)
                        : SubsetPlan.Sampled(n, check.SamplesPerSize, check.SubsetSeed)
                )
                : Enumerable.Range(0, n).Select(i => new[] { i }).ToArray();
        var sets = subsets
            .Select(s => (IReadOnlyCollection<Neuron>)Suppression.Union(s.Select(i => components[i])))
            .ToList();
        sets.Add(Suppression.Union(components));
        var worstPerPrompt = new List<double>();
        var jointPerPrompt = new List<double>();
        var singleDrops = Enumerable.Repeat(double.NegativeInfinity, n).ToArray();
        foreach (var probe in references)
        {
            var drops = probe
                .Score(sets.Select(ProbeConfiguration.Suppress).ToArray())
                .Select(s => CheckMeasures.Drop(check.Measure, probe.Baseline, s))
                .ToArray();
            worstPerPrompt.Add(drops[..^1].DefaultIfEmpty(double.NegativeInfinity).Max());
            jointPerPrompt.Add(drops[^1]);
            for (int i = 0; i < subsets.Length; i++)
                if (subsets[i].Length == 1)
                    singleDrops[subsets[i][0]] = Math.Max(singleDrops[subsets[i][0]], drops[i]);
        }
        bool mean = check.Aggregation == PromptAggregation.Mean;
        double worst = mean ? worstPerPrompt.Average() : worstPerPrompt.Max();
        double joint = mean ? jointPerPrompt.Average() : jointPerPrompt.Min();
        bool dispensable = worst < check.TLow && (check.AcceptNegativeDrops || worst > -check.TLow);
        bool necessary = !check.Strict || joint > check.THigh;
        return new DknRecheck(
            dispensable && necessary,
            check.Strict ? DknRecheck.BothHalves : DknRecheck.ComponentsOnly,
            references[0].BaselineProbability(),
            singleDrops,
            joint,
            worst
        );
    }
}
