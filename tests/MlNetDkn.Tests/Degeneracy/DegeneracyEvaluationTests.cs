using MlNetDkn.Degeneracy;

namespace MlNetDkn.Tests.Degeneracy;

public class DegeneracyEvaluationTests
{
    static IReadOnlyList<Neuron>[] Components(int n) =>
        Enumerable
            .Range(0, n)
            .Select(i => (IReadOnlyList<Neuron>)new[] { new Neuron(0, 2 * i), new Neuron(1, 2 * i + 1) })
            .ToArray();

    // P falls by 10 % per suppressed neuron: drop = 1 − 0.9^|set|.
    static FakeProbe Probe() => new(0.5, s => 0.5 * Math.Pow(0.9, s.Count));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(10)]
    public void ExhaustiveEnumeratesAllProperSubsetsInOneCall(int n)
    {
        var probe = Probe();
        var e = DegeneracyEvaluator.Evaluate(Components(n), probe, new DegeneracyEvaluationOptions());
        Assert.Equal((1 << n) - 2, e.Subsets.Count);
        Assert.Equal(e.Subsets.Count, e.Subsets.Select(s => string.Join(",", s.ComponentIndices)).Distinct().Count());
        Assert.True(e.Exhaustive);
        Assert.Equal(1, probe.Calls);
        Assert.Equal((1 << n) - 1, probe.Seen.Count);
        Assert.Equal(1 - Math.Pow(0.9, 2 * n), e.FullSetDrop, 12);
        Assert.All(e.Subsets, s => Assert.Equal(1 - Math.Pow(0.9, 2 * s.Size), s.RelativeDrop, 12));
        Assert.All(e.Subsets, s => Assert.InRange(s.Size, 1, n - 1));
    }

    [Fact]
    public void SubsetsComeInItertoolsOrderBySize()
    {
        var e = DegeneracyEvaluator.Evaluate(Components(3), Probe(), new DegeneracyEvaluationOptions());
        Assert.Equal(["0", "1", "2", "0,1", "0,2", "1,2"], e.Subsets.Select(s => string.Join(",", s.ComponentIndices)));
        Assert.Equal([1, 2], e.BySize.Keys);
    }

    [Fact]
    public void SamplingAboveTheLimitIsBoundedDistinctAndSeeded()
    {
        var options = new DegeneracyEvaluationOptions
        {
            ExhaustiveLimit = 10,
            SamplesPerSize = 20,
            Seed = 3,
        };
        var a = DegeneracyEvaluator.Evaluate(Components(14), Probe(), options);
        var b = DegeneracyEvaluator.Evaluate(Components(14), Probe(), options);
        var c = DegeneracyEvaluator.Evaluate(Components(14), Probe(), options with { Seed = 4 });
        Assert.False(a.Exhaustive);
        // Sizes 1 and 13 have 14 subsets each (all taken); sizes 2..12 are sampled to 20.
        Assert.Equal(14 + 14 + 11 * 20, a.Subsets.Count);
        foreach (var (size, list) in a.BySize)
            Assert.Equal(list.Count, list.Select(s => string.Join(",", s.ComponentIndices)).Distinct().Count());
        string Key(DegeneracyEvaluation e) =>
            string.Join(";", e.Subsets.Select(s => string.Join(",", s.ComponentIndices)));
        Assert.Equal(Key(a), Key(b));
        Assert.NotEqual(Key(a), Key(c));
    }

    [Fact]
    public void AggregateFlipsTheSignPoolsSubsetsAndClips()
    {
        var e2a = new DegeneracyEvaluation(2, 1, [new([0], 1, 0.1), new([1], 1, 0.3)], 0.8, true);
        var e2b = new DegeneracyEvaluation(2, 1, [new([0], 1, -1000), new([1], 1, 0.2)], 0.6, true);
        var e3 = new DegeneracyEvaluation(3, 1, [new([0], 1, 0.5)], 0.9, true);
        var rows = DegeneracyAggregate.ByComponentCount([e2a, e2b, e3]);
        Assert.Equal([2, 3], rows.Select(r => r.ComponentCount));
        Assert.Equal((-0.1 - 0.3 + 1000 - 0.2) / 4, rows[0].MeanSubsetChange, 9);
        Assert.Equal(-0.7, rows[0].MeanFullChange, 12);
        var clipped = DegeneracyAggregate.ByComponentCount([e2a, e2b], DegeneracyAggregateOptions.AuthorsNtc(900));
        Assert.Equal(3, clipped[0].SubsetCount);
        Assert.Equal(-0.2, clipped[0].MeanSubsetChange, 12);
    }
}
