using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy.Acquisition;

/// <summary>
/// Components from function: a fact's candidates are split into minimal sets that each carry the fact alone.
/// Starting from every candidate, neurons are suppressed one at a time, lowest-ranked first, and a suppression is kept
/// while the answer still holds on every prompt (drop below t_low); what remains is one component. That component is
/// then suppressed for good and the search repeats on the rest, as long as the rest still carries the answer. Parallel
/// neurons of one component act together and stay together; alternatives (in one layer or not) end in different
/// components. Neurons that are copies of one another (same layer, near-parallel read and write vectors) move as one
/// unit: copies are one component several neurons wide, not alternatives. A closing pass returns to a component any
/// left-out unit that can stand in for one of its units in the same layer (a parallel copy that minimality dropped).
/// The strict functional check judges the result.
/// </summary>
public static class FunctionalGrouping
{
    /// <param name="candidates">The fact's candidates, highest-ranked first.</param>
    /// <param name="probes">One probe per checked prompt.</param>
    /// <param name="vectors">Neuron read/write vectors for grouping copies into units (null: every neuron its own
    /// unit).</param>
    /// <param name="attribute">Joint attribution with a set suppressed (the neurons it credits), for completing each
    /// component with the neurons outside the candidates that it needs; null: no completion.</param>
    public static IReadOnlyList<IReadOnlyList<Neuron>> Find(
        IReadOnlyList<Neuron> candidates,
        IReadOnlyList<IAnswerProbe> probes,
        FunctionalCheckOptions check,
        FunctionalGroupingOptions options,
        INeuronVectorSource? vectors = null,
        Func<IReadOnlyCollection<Neuron>, IReadOnlyList<Neuron>>? attribute = null
    )
    {
        options.Validate();
        var sufficiency = new Sufficiency(probes, check);
        var units = Units(candidates.Distinct().ToList(), vectors, options.CopyCosine);
        var components = new List<List<Unit>>();
        var context = new List<Unit>();
        var remaining = units.ToList();
        while (components.Count < options.MaxComponents && remaining.Count > 0)
        {
            if (components.Count > 0 && !sufficiency.Holds([Neurons(context)])[0])
                break;
            var component = Minimal(remaining, context, sufficiency);
            if (component.Count == 0)
                break;
            components.Add(component);
            context.AddRange(component);
            remaining = remaining.Except(component).ToList();
        }
        if (options.Closure && components.Count > 0)
            Close(units, components, sufficiency);
        var result = components.Select(c => Neurons(c).ToList()).ToList();
        if (attribute is not null && result.Count > 1)
            Complete(candidates, result, sufficiency, attribute);
        return result.Select(c => (IReadOnlyList<Neuron>)c.Order().ToArray()).ToArray();
    }

    /// <summary>
    /// Each component, carrying the fact alone (every other candidate shut), is attributed once more: a credited neuron
    /// outside the candidates joins it when the component needs it (shutting it breaks the answer) and no other
    /// component does (with only that one open, shutting it changes nothing). A chain whose first hop knockout found is
    /// completed with the hops after it, which the answer never needed while the first hop was shut.
    /// </summary>
    static void Complete(
        IReadOnlyList<Neuron> candidates,
        List<List<Neuron>> components,
        Sufficiency sufficiency,
        Func<IReadOnlyCollection<Neuron>, IReadOnlyList<Neuron>> attribute
    )
    {
        var known = candidates.Concat(components.SelectMany(c => c)).ToHashSet();
        for (int c = 0; c < components.Count; c++)
        {
            var others = known.Where(n => !components[c].Contains(n)).ToArray();
            var extra = attribute(others).Where(n => !known.Contains(n)).ToList();
            if (extra.Count == 0)
                continue;
            // Needed by this component: with only it open, shutting the neuron breaks the answer.
            var holdsWithout = sufficiency.Holds(
                extra.Select(n => (IReadOnlyCollection<Neuron>)others.Append(n).ToArray()).ToList()
            );
            var joining = new List<Neuron>();
            for (int i = 0; i < extra.Count; i++)
            {
                if (holdsWithout[i])
                    continue;
                // Not needed by any other component alone.
                var alone = components
                    .Where((_, k) => k != c)
                    .Select(o =>
                        (IReadOnlyCollection<Neuron>)known.Where(n => !o.Contains(n)).Append(extra[i]).ToArray()
                    )
                    .ToList();
                if (sufficiency.Holds(alone).All(h => h))
                    joining.Add(extra[i]);
            }
            components[c].AddRange(joining);
            known.UnionWith(joining);
        }
    }

    /// <summary>Candidates that are copies of one another: one layer, read and write vectors at cosine ≥ the
    /// cut.</summary>
    sealed record Unit(Neuron[] Members)
    {
        public int Layer => Members[0].Layer;
    }

    static Neuron[] Neurons(IEnumerable<Unit> units) => units.SelectMany(u => u.Members).ToArray();

    /// <summary>Units in rank order (a unit ranks where its best member does).</summary>
    static List<Unit> Units(IReadOnlyList<Neuron> candidates, INeuronVectorSource? vectors, double cut)
    {
        var parent = Enumerable.Range(0, candidates.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        if (vectors is not null && cut <= 1)
        {
            // Each vector read once (a model source copies a row per call), then compared pairwise within a layer.
            var reads = candidates.Select(n => vectors.InputVector(n).ToArray()).ToArray();
            var writes = candidates.Select(n => vectors.OutputVector(n).ToArray()).ToArray();
            for (int i = 0; i < candidates.Count; i++)
            for (int j = i + 1; j < candidates.Count; j++)
                if (
                    candidates[i].Layer == candidates[j].Layer
                    && Cosine(reads[i], reads[j]) >= cut
                    && Cosine(writes[i], writes[j]) >= cut
                )
                    parent[Find(j)] = Find(i);
        }
        return Enumerable
            .Range(0, candidates.Count)
            .GroupBy(Find)
            .OrderBy(g => g.Min())
            .Select(g => new Unit(g.Select(i => candidates[i]).ToArray()))
            .ToList();
    }

    static double Cosine(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double dot = 0,
            na = 0,
            nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : 0;
    }

    /// <summary>
    /// The kept units of a greedy elimination over <paramref name="pool"/> (lowest-ranked first) with
    /// <paramref name="context"/> suppressed throughout. One batch tests every next prefix of removals at once; the
    /// first prefix that breaks the answer keeps its last unit, and the scan resumes after it.
    /// </summary>
    static List<Unit> Minimal(IReadOnlyList<Unit> pool, IReadOnlyList<Unit> context, Sufficiency sufficiency)
    {
        var order = pool.Reverse().ToArray();
        var removed = new List<Neuron>(Neurons(context));
        var kept = new List<Unit>();
        int i = 0;
        while (i < order.Length)
        {
            var sets = new List<IReadOnlyCollection<Neuron>>();
            var prefix = new List<Neuron>(removed);
            for (int j = i; j < order.Length; j++)
            {
                prefix.AddRange(order[j].Members);
                sets.Add(prefix.ToArray());
            }
            var holds = sufficiency.Holds(sets);
            int fail = Array.IndexOf(holds, false);
            if (fail < 0)
                break;
            removed.AddRange(Neurons(order[i..(i + fail)]));
            kept.Add(order[i + fail]);
            i += fail + 1;
        }
        kept.Reverse();
        return kept;
    }

    /// <summary>Each left-out unit joins the first component in which it can replace a same-layer unit: with every
    /// other candidate suppressed, (component − that unit + it) still carries the answer.</summary>
    static void Close(IReadOnlyList<Unit> units, List<List<Unit>> components, Sufficiency sufficiency)
    {
        var placed = components.SelectMany(c => c).ToHashSet();
        var all = Neurons(units);
        var tests = new List<(Unit Candidate, int Component)>();
        var sets = new List<IReadOnlyCollection<Neuron>>();
        foreach (var u in units.Where(u => !placed.Contains(u)))
            for (int c = 0; c < components.Count; c++)
                foreach (var member in components[c].Where(m => m.Layer == u.Layer))
                {
                    var open = Neurons(components[c].Where(m => m != member).Append(u)).ToHashSet();
                    tests.Add((u, c));
                    sets.Add(all.Where(x => !open.Contains(x)).ToArray());
                }
        if (sets.Count == 0)
            return;
        var holds = sufficiency.Holds(sets);
        var joined = new HashSet<Unit>();
        for (int t = 0; t < tests.Count; t++)
            if (holds[t] && joined.Add(tests[t].Candidate))
                components[tests[t].Component].Add(tests[t].Candidate);
    }

    /// <summary>Whether the answer still holds on every prompt with a set suppressed: drop below t_low in the check's
    /// measure.</summary>
    sealed class Sufficiency(IReadOnlyList<IAnswerProbe> probes, FunctionalCheckOptions check)
    {
        public bool[] Holds(IReadOnlyList<IReadOnlyCollection<Neuron>> sets)
        {
            var holds = Enumerable.Repeat(true, sets.Count).ToArray();
            if (sets.Count == 0)
                return holds;
            var configurations = sets.Select(ProbeConfiguration.Suppress).ToArray();
            foreach (var probe in probes)
            {
                var scores = probe.Score(configurations);
                for (int s = 0; s < sets.Count; s++)
                    if (!(CheckMeasures.Drop(check.Measure, probe.Baseline, scores[s]) < check.TLow))
                        holds[s] = false;
            }
            return holds;
        }
    }
}
