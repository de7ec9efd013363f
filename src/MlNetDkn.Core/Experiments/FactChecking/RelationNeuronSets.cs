namespace MlNetDkn.Experiments.FactChecking;

/// <summary>One relation's learned neuron sets.</summary>
public sealed record RelationSets(
    string RelationId,
    int TrainingFacts,
    Neuron[] Dkn,
    Neuron[] KnowledgeNeurons,
    Neuron[] Random
);

/// <summary>
/// The relation-level sets R3 learns on the training facts: a neuron's count is the number of times it occurs over
/// the facts' DKN components (resp. knowledge neurons), and it is kept when count &gt; share · max count (the
/// authors' count &gt; int(max · share) is the same for integer counts). The random control is matched to the DKN set
/// in size and layer distribution, drawn outside both sets.
/// </summary>
public static class RelationNeuronSets
{
    /// <summary>One <see cref="RelationSets"/> per relation of the training facts, ordered by relation id.</summary>
    /// <param name="width">The model's FFN width d_ff, for the random control draws.</param>
    public static IReadOnlyList<RelationSets> Learn(
        IEnumerable<(
            string RelationId,
            IReadOnlyCollection<Neuron> Dkn,
            IReadOnlyCollection<Neuron> KnowledgeNeurons
        )> facts,
        FactCheckOptions options,
        int width
    )
    {
        return facts
            .GroupBy(f => f.RelationId)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var dkn = Keep(g.SelectMany(f => f.Dkn), options);
                var kn = Keep(g.SelectMany(f => f.KnowledgeNeurons), options);
                var random =
                    dkn.Length == 0
                        ? []
                        : MatchedRandomSets.Draw(
                            dkn,
                            dkn.Concat(kn).ToHashSet(),
                            width,
                            1,
                            options.Seed,
                            "relation:" + g.Key,
                            "fact-check"
                        )[0];
                return new RelationSets(g.Key, g.Count(), dkn, kn, random);
            })
            .ToList();
    }

    static Neuron[] Keep(IEnumerable<Neuron> occurrences, FactCheckOptions options)
    {
        var counts = occurrences.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        if (counts.Count == 0)
            return [];
        int max = counts.Values.Max();
        return [.. counts.Where(kv => kv.Value > max * options.Share).Select(kv => kv.Key).Order()];
    }
}
