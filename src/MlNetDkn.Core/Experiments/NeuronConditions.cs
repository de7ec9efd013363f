namespace MlNetDkn.Experiments;

/// <summary>Which neurons an experiment intervenes on.</summary>
public enum NeuronCondition
{
    /// <summary>No intervention.</summary>
    None,
    /// <summary>The fact's DKN (all its components).</summary>
    Dkn,
    /// <summary>The fact's knowledge neurons.</summary>
    KnowledgeNeurons,
    /// <summary>The knowledge neurons that are not in the DKN.</summary>
    KnowledgeNeuronsMinusDkn,
    /// <summary>Random sets matched to the DKN in size and layer distribution, outside the knowledge neurons.</summary>
    RandomMatchedDkn,
    /// <summary>Random sets matched to the knowledge neurons in size and layer distribution, outside them.</summary>
    RandomMatchedKnowledgeNeurons,
}

/// <summary>One set to intervene on: its condition, draw number (random sets) and neurons.</summary>
public sealed record ConditionSet(NeuronCondition Condition, int Draw, Neuron[] Neurons)
{
    public static string Name(NeuronCondition c) => c switch
    {
        NeuronCondition.None => "none",
        NeuronCondition.Dkn => "dkn",
        NeuronCondition.KnowledgeNeurons => "kn",
        NeuronCondition.KnowledgeNeuronsMinusDkn => "kn-minus-dkn",
        NeuronCondition.RandomMatchedDkn => "random-dkn",
        _ => "random-kn",
    };

    public static NeuronCondition Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" => NeuronCondition.None,
        "dkn" => NeuronCondition.Dkn,
        "kn" => NeuronCondition.KnowledgeNeurons,
        "kn-minus-dkn" => NeuronCondition.KnowledgeNeuronsMinusDkn,
        "random-dkn" => NeuronCondition.RandomMatchedDkn,
        "random-kn" => NeuronCondition.RandomMatchedKnowledgeNeurons,
        _ => throw new DknInputException($"unknown neuron condition '{text}' (expected none, dkn, kn, kn-minus-dkn, random-dkn or random-kn)"),
    };

    /// <summary>
    /// Every set of a fact for the given conditions. Conditions that need a DKN are left out when the fact has none,
    /// and kn-minus-dkn when it is empty; random sets exclude the knowledge neurons and the DKN.
    /// </summary>
    public static IReadOnlyList<ConditionSet> For(string factId, IReadOnlyCollection<Neuron> dkn, IReadOnlyCollection<Neuron> knowledgeNeurons,
        IReadOnlyList<NeuronCondition> conditions, int randomDraws, int width, int seed)
    {
        var excluded = knowledgeNeurons.Concat(dkn).ToHashSet();
        var d = dkn.Distinct().Order().ToArray();
        var k = knowledgeNeurons.Distinct().Order().ToArray();
        var sets = new List<ConditionSet>();
        foreach (var c in conditions)
            switch (c)
            {
                case NeuronCondition.None: sets.Add(new(c, 0, [])); break;
                case NeuronCondition.Dkn when d.Length > 0: sets.Add(new(c, 0, d)); break;
                case NeuronCondition.KnowledgeNeurons when k.Length > 0: sets.Add(new(c, 0, k)); break;
                case NeuronCondition.KnowledgeNeuronsMinusDkn when d.Length > 0:
                    var rest = k.Except(d).ToArray();
                    if (rest.Length > 0) sets.Add(new(c, 0, rest));
                    break;
                case NeuronCondition.RandomMatchedDkn when d.Length > 0:
                    sets.AddRange(MatchedRandomSets.Draw(d, excluded, width, randomDraws, seed, factId, "dkn").Select((s, i) => new ConditionSet(c, i, s)));
                    break;
                case NeuronCondition.RandomMatchedKnowledgeNeurons when k.Length > 0:
                    sets.AddRange(MatchedRandomSets.Draw(k, excluded, width, randomDraws, seed, factId, "kn").Select((s, i) => new ConditionSet(c, i, s)));
                    break;
            }
        return sets;
    }
}
