using MlNetDkn.Attribution;

namespace MlNetDkn.Tests.Attribution;

public class NeuronSelectionTests
{
    static IReadOnlyList<ScoredNeuron> Prompt(params (int Layer, int Index)[] neurons) =>
        neurons.Select(n => new ScoredNeuron(new Neuron(n.Layer, n.Index), 1)).ToList();

    [Fact]
    public void RefinementKeepsNeuronsSharedByEnoughPrompts()
    {
        // Four prompts: (0,1) in all four, (1,2) in two, (2,3) in one.
        var prompts = new[] { Prompt((0, 1), (1, 2)), Prompt((0, 1), (1, 2)), Prompt((0, 1), (2, 3)), Prompt((0, 1)) };
        Assert.Equal([new Neuron(0, 1), new Neuron(1, 2)], NeuronSelection.Refine(prompts, 0.5).Select(n => n.Neuron));
        // EleutherAI keeps count > n·p: two of four is not more than half.
        Assert.Equal(
            [new Neuron(0, 1)],
            NeuronSelection.Refine(prompts, 0.5, strictlyMore: true).Select(n => n.Neuron)
        );
        Assert.Equal([new Neuron(0, 1)], NeuronSelection.Refine(prompts, 0.25, minPrompts: 3).Select(n => n.Neuron));
    }

    [Fact]
    public void CoarseThresholdsCutAsDocumented()
    {
        double[][] scores =
        [
            [0.1, 1.0, 0.3],
            [0.25, -0.5, 0.2],
        ];
        Assert.Equal(
            [new Neuron(0, 1), new Neuron(0, 2), new Neuron(1, 0)],
            NeuronSelection.Coarse(scores, CoarseThreshold.RatioOfMax(0.2)).Select(n => n.Neuron)
        ); // strict > 0.2
        Assert.Equal(2, NeuronSelection.Coarse(scores, CoarseThreshold.TopK(2)).Count);
        Assert.Equal(
            [new Neuron(0, 1)],
            NeuronSelection.Coarse(scores, CoarseThreshold.Absolute(0.3)).Select(n => n.Neuron)
        );
        Assert.Throws<DknInputException>(() => CoarseThreshold.Parse("half"));
    }
}
