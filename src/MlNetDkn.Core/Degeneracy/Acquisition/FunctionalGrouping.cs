using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy.Acquisition;

/// <summary>
/// Components from function: a fact's candidates are split into minimal sets that each carry the fact alone.
/// Starting from every candidate, neurons are suppressed one at a time, lowest-ranked first, and a suppression is kept
/// while the answer still holds on every prompt (drop below t_low); what remains is one component. That component is
/// then suppressed for good and the search repeats on the rest, as long as the rest still carries the answer. Parallel
/// neurons of one component act together and stay together; alternatives (in one layer or not) end in different
/// components. A closing pass returns to a component any left-out candidate that can stand in for one of its members
/// in the same layer (a parallel copy that minimality dropped). The strict functional check judges the result.
/// </summary>
public static class FunctionalGrouping
{
    /// <param name="candidates">The fact's candidates, highest-ranked first.</param>
    /// <param name="probes">One probe per checked prompt.</param>
    public static IReadOnlyList<IReadOnlyList<Neuron>> Find(IReadOnlyList<Neuron> candidates, IReadOnlyList<IAnswerProbe> probes,
        FunctionalCheckOptions check, FunctionalGroupingOptions options)
    {
        options.Validate();
        var sufficiency = new Sufficiency(probes, check);
        var components = new List<List<Neuron>>();
        var context = new HashSet<Neuron>();
        var remaining = candidates.Distinct().ToList();
        while (components.Count < options.MaxComponents && remaining.Count > 0)
        {
            if (components.Count > 0 && !sufficiency.Holds([context])[0]) break;
            var component = Minimal(remaining, context, sufficiency);
            if (component.Count == 0) break;
            components.Add(component);
            context.UnionWith(component);
            remaining = remaining.Where(n => !context.Contains(n)).ToList();
        }
        if (options.Closure && components.Count > 0) Close(candidates, components, sufficiency);
        return components.Select(c => (IReadOnlyList<Neuron>)c.Order().ToArray()).ToArray();
    }

    /// <summary>
    /// The kept neurons of a greedy elimination over <paramref name="pool"/> (lowest-ranked first) with
    /// <paramref name="context"/> suppressed throughout. One batch tests every next prefix of removals at once; the
    /// first prefix that breaks the answer keeps its last neuron, and the scan resumes after it.
    /// </summary>
    static List<Neuron> Minimal(IReadOnlyList<Neuron> pool, IReadOnlySet<Neuron> context, Sufficiency sufficiency)
    {
        var order = pool.Reverse().ToArray();
        var removed = new List<Neuron>(context);
        var kept = new List<Neuron>();
        int i = 0;
        while (i < order.Length)
        {
            var sets = new List<IReadOnlyCollection<Neuron>>();
            var prefix = new List<Neuron>(removed);
            for (int j = i; j < order.Length; j++)
            {
                prefix.Add(order[j]);
                sets.Add(prefix.ToArray());
            }
            var holds = sufficiency.Holds(sets);
            int fail = Array.IndexOf(holds, false);
            if (fail < 0)
            {
                removed.AddRange(order[i..]);
                break;
            }
            removed.AddRange(order[i..(i + fail)]);
            kept.Add(order[i + fail]);
            i += fail + 1;
        }
        return Enumerable.Reverse(kept).ToList();
    }

    /// <summary>Each left-out candidate joins the first component in which it can replace a same-layer member: with
    /// every other candidate suppressed, (component − member + it) still carries the answer.</summary>
    static void Close(IReadOnlyList<Neuron> candidates, List<List<Neuron>> components, Sufficiency sufficiency)
    {
        var inComponents = components.SelectMany(c => c).ToHashSet();
        var leftOut = candidates.Where(n => !inComponents.Contains(n)).Distinct().ToList();
        var tests = new List<(Neuron Candidate, int Component)>();
        var sets = new List<IReadOnlyCollection<Neuron>>();
        foreach (var n in leftOut)
            for (int c = 0; c < components.Count; c++)
                foreach (var member in components[c].Where(m => m.Layer == n.Layer))
                {
                    var open = components[c].Where(m => m != member).Append(n).ToHashSet();
                    tests.Add((n, c));
                    sets.Add(candidates.Where(x => !open.Contains(x)).Distinct().ToArray());
                }
        if (sets.Count == 0) return;
        var holds = sufficiency.Holds(sets);
        var joined = new HashSet<Neuron>();
        for (int t = 0; t < tests.Count; t++)
            if (holds[t] && joined.Add(tests[t].Candidate)) components[tests[t].Component].Add(tests[t].Candidate);
    }

    /// <summary>Whether the answer still holds on every prompt with a set suppressed: drop below t_low in the check's measure.</summary>
    sealed class Sufficiency(IReadOnlyList<IAnswerProbe> probes, FunctionalCheckOptions check)
    {
        public bool[] Holds(IReadOnlyList<IReadOnlyCollection<Neuron>> sets)
        {
            var holds = Enumerable.Repeat(true, sets.Count).ToArray();
            if (sets.Count == 0) return holds;
            var configurations = sets.Select(ProbeConfiguration.Suppress).ToArray();
            foreach (var probe in probes)
            {
                var scores = probe.Score(configurations);
                for (int s = 0; s < sets.Count; s++)
                    if (!(CheckMeasures.Drop(check.Measure, probe.Baseline, scores[s]) < check.TLow)) holds[s] = false;
            }
            return holds;
        }
    }
}
