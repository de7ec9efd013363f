using MlNetDkn.Experiments.Evolvability;

namespace MlNetDkn.Tests.Experiments;

/// <summary>E2's overlap test on hand counts: both tails, the direction, and the guard against a definition of
/// "changed" that every neuron (or none) passes.</summary>
public class OverlapAnalysisTests
{
    static Neuron[] Layer0(params int[] indices) => indices.Select(i => new Neuron(0, i)).ToArray();

    [Fact]
    public void BothTailsAndTheTwoSidedPValueMatchAHandCount()
    {
        // N = 10, ΔN = {1, 2, 3}, X = {5, 6, 7, 8}: overlap 0. P(K = 0) = C(7,4)/C(10,4) = 35/210.
        var row = OverlapAnalysis.Overlap("cut", "dkn", Layer0(5, 6, 7, 8), Layer0(1, 2, 3), 10);
        Assert.Equal(0, row.Overlap);
        Assert.Equal(35.0 / 210, row.PDepleted, 12);
        Assert.Equal(1.0, row.PEnriched, 12);
        Assert.Equal(70.0 / 210, row.PValue, 12);
        Assert.Equal("as expected", row.Direction);
        Assert.False(row.Vacuous);
        Assert.Equal("neuron", row.Unit);
    }

    [Fact]
    public void AStronglyDepletedSetIsCalledDepletedAndAnEnrichedOneEnriched()
    {
        // Half of 1000 neurons changed; a set of 100 with 10 of them is far below the 50 expected.
        var changed = Layer0([.. Enumerable.Range(0, 500)]);
        var depleted = OverlapAnalysis.Overlap(
            "top-k",
            "dkn",
            Layer0([.. Enumerable.Range(0, 10), .. Enumerable.Range(900, 90)]),
            changed,
            1000
        );
        Assert.Equal(("depleted", 0.1, 0.5), (depleted.Direction, depleted.Share, depleted.Expected));
        Assert.True(depleted.PValue < 1e-10 && depleted.PEnriched > 0.999);
        var enriched = OverlapAnalysis.Overlap(
            "top-k",
            "kn",
            Layer0([.. Enumerable.Range(0, 90), .. Enumerable.Range(900, 10)]),
            changed,
            1000
        );
        Assert.Equal("enriched", enriched.Direction);
        Assert.True(enriched.PValue < 1e-10 && enriched.PDepleted > 0.999);
    }

    [Fact]
    public void ADefinitionEveryNeuronPassesIsFlaggedAndNotTested()
    {
        var all = Layer0([.. Enumerable.Range(0, 20)]);
        var row = OverlapAnalysis.Overlap("relative change > 0.05", "dkn", Layer0(1, 2, 3), all, 20);
        Assert.True(row.Vacuous);
        Assert.True(double.IsNaN(row.PValue));
        Assert.Contains("every neuron", row.Direction);
        var none = OverlapAnalysis.Overlap("relative change > 9", "dkn", Layer0(1, 2, 3), [], 20);
        Assert.True(none.Vacuous);
        Assert.Contains("no neuron", none.Direction);
        // 19 of 20 changed: tested, but flagged, since no set can be enriched by more than 5 %.
        var nearly = OverlapAnalysis.Overlap(
            "relative change > 0.01",
            "dkn",
            Layer0(1, 2, 3),
            Layer0([.. Enumerable.Range(0, 19)]),
            20
        );
        Assert.True(nearly.Vacuous);
        Assert.StartsWith("vacuous: 95 %", nearly.Direction);
        Assert.False(double.IsNaN(nearly.PValue));
        // A cut every neuron passes selects the population.
        var change = new[] { new[] { 0.2, 0.3, 0.4 } };
        Assert.Equal(3, OverlapAnalysis.Changed(change, 0.05).Count);
    }
}
