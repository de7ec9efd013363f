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

    /// <summary>Random sets matched to the knowledge neurons minus the DKN in size and layers, outside the knowledge
    /// neurons.</summary>
    RandomMatchedKnowledgeNeuronsMinusDkn,

    /// <summary>Random subsets of the knowledge neurons (and DKN) with the DKN's size and count per layer: whether the
    /// DKN does more than any equally large part of the fact's knowledge neurons.</summary>
    KnowledgeNeuronSubset,
}

/// <summary>One set to intervene on: its condition, draw number (random sets) and neurons.</summary>
public sealed record ConditionSet(NeuronCondition Condition, int Draw, Neuron[] Neurons)
{
    /// <summary>The condition's name in tables, stores and the CLI ("none", "dkn", "kn", "kn-minus-dkn", "random-dkn",
    /// ...).</summary>
    public static string Name(NeuronCondition c) =>
        c switch
        {
            NeuronCondition.None => "none",
            NeuronCondition.Dkn => "dkn",
            NeuronCondition.KnowledgeNeurons => "kn",
            NeuronCondition.KnowledgeNeuronsMinusDkn => "kn-minus-dkn",
            NeuronCondition.RandomMatchedDkn => "random-dkn",
            NeuronCondition.RandomMatchedKnowledgeNeurons => "random-kn",
            NeuronCondition.RandomMatchedKnowledgeNeuronsMinusDkn => "random-kn-minus-dkn",
            _ => "kn-subset",
        };

    /// <summary>Parses a name written by <see cref="Name"/> (case-insensitive); throws <see cref="DknInputException"/>
    /// otherwise.</summary>
    public static NeuronCondition Parse(string text) =>
        text.Trim().ToLowerInvariant() switch
        {
            "none" => NeuronCondition.None,
            "dkn" => NeuronCondition.Dkn,
            "kn" => NeuronCondition.KnowledgeNeurons,
            "kn-minus-dkn" => NeuronCondition.KnowledgeNeuronsMinusDkn,
            "random-dkn" => NeuronCondition.RandomMatchedDkn,
            "random-kn" => NeuronCondition.RandomMatchedKnowledgeNeurons,
            "random-kn-minus-dkn" => NeuronCondition.RandomMatchedKnowledgeNeuronsMinusDkn,
            "kn-subset" => NeuronCondition.KnowledgeNeuronSubset,
            _ => throw new DknInputException(
                $"unknown neuron condition '{text}' (expected none, dkn, kn, kn-minus-dkn, random-dkn, random-kn, "
                    + $"random-kn-minus-dkn or kn-subset)"
            ),
        };

    /// <summary>
    /// Every set of a fact for the given conditions. Conditions that need a DKN are left out when the fact has none,
    /// and kn-minus-dkn (and its control) when it is empty; random sets exclude the knowledge neurons and the DKN; the
    /// knowledge-neuron subsets are drawn from the knowledge neurons and the DKN together.
    /// </summary>
    public static IReadOnlyList<ConditionSet> For(
        string factId,
        IReadOnlyCollection<Neuron> dkn,
        IReadOnlyCollection<Neuron> knowledgeNeurons,
        IReadOnlyList<NeuronCondition> conditions,
        int randomDraws,
        int width,
        int seed
    )
    {
        var excluded = knowledgeNeurons.Concat(dkn).ToHashSet();
        var d = dkn.Distinct().Order().ToArray();
        var k = knowledgeNeurons.Distinct().Order().ToArray();
        var rest = d.Length == 0 ? [] : k.Except(d).ToArray();
        var sets = new List<ConditionSet>();
        foreach (var c in conditions)
            switch (c)
            {
                case NeuronCondition.None:
                    sets.Add(new(c, 0, []));
                    break;
                case NeuronCondition.Dkn when d.Length > 0:
                    sets.Add(new(c, 0, d));
                    break;
                case NeuronCondition.KnowledgeNeurons when k.Length > 0:
                    sets.Add(new(c, 0, k));
                    break;
                case NeuronCondition.KnowledgeNeuronsMinusDkn when rest.Length > 0:
                    sets.Add(new(c, 0, rest));
                    break;
                case NeuronCondition.RandomMatchedKnowledgeNeuronsMinusDkn when rest.Length > 0:
                    sets.AddRange(
                        MatchedRandomSets
                            .Draw(rest, excluded, width, randomDraws, seed, factId, "kn-minus-dkn")
                            .Select((s, i) => new ConditionSet(c, i, s))
                    );
                    break;
                case NeuronCondition.KnowledgeNeuronSubset when d.Length > 0:
                    sets.AddRange(
                        MatchedRandomSets
                            .DrawFrom(d, excluded, randomDraws, seed, factId, "kn-subset")
                            .Select((s, i) => new ConditionSet(c, i, s))
                    );
                    break;
                case NeuronCondition.RandomMatchedDkn when d.Length > 0:
                    sets.AddRange(
                        MatchedRandomSets
                            .Draw(d, excluded, width, randomDraws, seed, factId, "dkn")
                            .Select((s, i) => new ConditionSet(c, i, s))
                    );
                    break;
                case NeuronCondition.RandomMatchedKnowledgeNeurons when k.Length > 0:
                    sets.AddRange(
                        MatchedRandomSets
                            .Draw(k, excluded, width, randomDraws, seed, factId, "kn")
                            .Select((s, i) => new ConditionSet(c, i, s))
                    );
                    break;
            }
        return sets;
    }
}
