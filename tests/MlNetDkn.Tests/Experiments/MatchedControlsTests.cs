using MlNetDkn.Experiments;

namespace MlNetDkn.Tests.Experiments;

/// <summary>The controls that isolate what a DKN adds: a random set matched to each compared set, and random subsets
/// of the knowledge neurons with the DKN's size and layers.</summary>
public class MatchedControlsTests
{
    static Dictionary<int, int> PerLayer(IEnumerable<Neuron> set) =>
        set.GroupBy(n => n.Layer).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void EveryComparedSetHasARandomSetMatchedToIt()
    {
        Neuron[] kn = [new(0, 1), new(0, 2), new(0, 3), new(1, 4), new(1, 5), new(1, 6)];
        Neuron[] dkn = [new(0, 1), new(1, 4)];
        var sets = ConditionSet.For(
            "f",
            dkn,
            kn,
            [
                NeuronCondition.RandomMatchedDkn,
                NeuronCondition.RandomMatchedKnowledgeNeurons,
                NeuronCondition.RandomMatchedKnowledgeNeuronsMinusDkn,
                NeuronCondition.KnowledgeNeuronSubset,
            ],
            randomDraws: 5,
            width: 32,
            seed: 3
        );
        var rest = kn.Except(dkn).ToArray();
        foreach (
            var (condition, target) in new[]
            {
                (NeuronCondition.RandomMatchedDkn, dkn),
                (NeuronCondition.RandomMatchedKnowledgeNeurons, kn),
                (NeuronCondition.RandomMatchedKnowledgeNeuronsMinusDkn, rest),
            }
        )
        {
            var drawn = sets.Where(s => s.Condition == condition).ToList();
            Assert.Equal(5, drawn.Count);
            Assert.All(drawn, s => Assert.Equal(PerLayer(target), PerLayer(s.Neurons)));
            Assert.All(drawn, s => Assert.Empty(s.Neurons.Intersect(kn)));
        }
        var subsets = sets.Where(s => s.Condition == NeuronCondition.KnowledgeNeuronSubset).ToList();
        Assert.Equal(5, subsets.Count);
        Assert.All(subsets, s => Assert.Equal(PerLayer(dkn), PerLayer(s.Neurons)));
        Assert.All(subsets, s => Assert.Subset(kn.ToHashSet(), s.Neurons.ToHashSet()));
        Assert.True(
            subsets.Select(s => string.Join(",", s.Neurons)).Distinct().Count() > 1,
            "every subset is the same: the draw is not random"
        );
        Assert.Equal("random-kn-minus-dkn", ConditionSet.Name(NeuronCondition.RandomMatchedKnowledgeNeuronsMinusDkn));
        Assert.Equal(
            NeuronCondition.KnowledgeNeuronSubset,
            ConditionSet.Parse(ConditionSet.Name(NeuronCondition.KnowledgeNeuronSubset))
        );
    }

    [Fact]
    public void APoolTooSmallForTheTargetsLayerIsRefusedByName()
    {
        var e = Assert.Throws<DknInputException>(() =>
            MatchedRandomSets.DrawFrom([new(0, 1), new(0, 2)], [new(0, 1), new(1, 2)], 1, 1, "f", "kn-subset")
        );
        Assert.Contains("layer 0 has 1 neurons in the pool", e.Message);
    }
}
