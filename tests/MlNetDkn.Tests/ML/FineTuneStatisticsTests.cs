using MlNetDkn.Experiments.Evolvability;

namespace MlNetDkn.Tests.ML;

/// <summary>E1's summary takes the fact as the unit (seeds averaged per fact, Wilson over facts, bounded in [0, 1])
/// and its contrasts pair facts; checked on constructed runs with hand-computed answers.</summary>
public class FineTuneStatisticsTests
{
    const double Z = 1.959963984540054;

    static FineTuneRun Run(string variant, int seed, double[] retention) =>
        new()
        {
            Key = $"{variant}/{seed}",
            Variant = variant,
            LearningRate = 0.01,
            Seed = seed,
            TrainableParameters = 10,
            OptimizerSteps = 1,
            FinalLoss = 0,
            Validation = new QueryScore(2, 1, 1) { PerFact = [1, 1] },
            ValidationRetention = new QueryScore(1, 1, 1) { PerFact = [1] },
            New = new QueryScore(2, 1, 1) { PerFact = [1, 1] },
            Paraphrases = new QueryScore(2, 1, 1) { PerFact = [1, 1] },
            Retention = new QueryScore(retention.Length, retention.Average(), 0.5) { PerFact = retention },
        };

    static EvolvabilityResult Result(params FineTuneRun[] runs) =>
        new()
        {
            UpdatedFacts = 2,
            Pools = new Dictionary<string, Neuron[]>(),
            BaselineNew = new(2, 0, 0),
            BaselineParaphrases = new(2, 0, 0),
            BaselineRetention = new(4, 1, 1),
            ChosenLearningRates = runs.Select(r => r.Variant).Distinct().ToDictionary(v => v, _ => 0.01),
            Runs = runs,
            Overlap = [],
            Skipped = [],
            Notes = [],
            QueryFacts = new Dictionary<string, string[]>
            {
                ["Q_new"] = ["n1", "n2"],
                ["Q_au"] = ["n1", "n2"],
                ["Q_old"] = ["o1", "o2", "o3", "o4"],
            },
        };

    [Fact]
    public void RetentionIsAShareOfFactsWithSeedsAveragedFirstAndItsIntervalStaysInZeroOne()
    {
        // Three seeds, four old facts: fact o1 kept by 1 of 3 seeds, o2 by none, o3 by 2 of 3, o4 by none (the issue's
        // case of near-zero retention).
        var result = Result(Run("dkn", 0, [1, 0, 1, 0]), Run("dkn", 1, [0, 0, 1, 0]), Run("dkn", 2, [0, 0, 0, 0]));
        var row = FineTuneStatistics.Summary(result).Single();
        Assert.Equal(("fact", 4, 3), (row.Unit, row.RetentionFacts, row.Seeds));
        Assert.Equal((1.0 / 3 + 0 + 2.0 / 3 + 0) / 4, row.RetentionAccuracy, 12);
        double n = 4,
            p = 0.25,
            centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n),
            half = Z / (1 + Z * Z / n) * Math.Sqrt(p * (1 - p) / n + Z * Z / (4 * n * n));
        Assert.Equal(centre - half, row.RetentionAccuracyCiLow, 9);
        Assert.Equal(centre + half, row.RetentionAccuracyCiHigh, 9);
        Assert.True(row.RetentionAccuracyCiLow >= 0 && row.NewAccuracyCiHigh <= 1);
    }

    [Fact]
    public void ContrastsPairFactsAcrossVariants()
    {
        var result = Result(Run("dkn", 0, [1, 0, 1, 0]), Run("random", 0, [1, 1, 1, 1]));
        var c = FineTuneStatistics
            .Contrasts(result, seed: 1)
            .Single(x => x.Contrast == "dkn - random" && x.QuerySet == "Q_old");
        Assert.Equal((4, -0.5), (c.Facts, c.MeanDifference));
        Assert.True(c.CiHigh <= 0 && c.CiLow >= -1);
    }
}
