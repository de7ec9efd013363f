using MlNetDkn.Experiments.Robustness;

namespace MlNetDkn.Tests.Experiments;

/// <summary>R2's summary on a constructed record: a random control's draws are averaged per query before the share,
/// the query is the trial of the interval, and the paired contrast is the mean per-query difference.</summary>
public class EnhancementMetricsTests
{
    const double Z = 1.959963984540054;

    static PerturbedQueryRecord Record()
    {
        var scores = new List<ConditionScoreRow>();
        void Add(string condition, int draw, int prompt, bool answered) =>
            scores.Add(new("activations", condition, draw, 2, prompt, answered ? -0.1 : -3.0, 0, answered, 0));
        Add("none", 0, 0, true);
        for (int p = 1; p <= 3; p++)
            Add("none", 0, p, false);
        // DKN: queries 1 and 3 recovered.
        Add("dkn", 0, 0, true);
        Add("dkn", 0, 1, true);
        Add("dkn", 0, 2, false);
        Add("dkn", 0, 3, true);
        // Random, 4 draws: query 1 in draws 0 and 1, query 2 never, query 3 always.
        for (int d = 0; d < 4; d++)
        {
            Add("random-dkn", d, 0, true);
            Add("random-dkn", d, 1, d < 2);
            Add("random-dkn", d, 2, false);
            Add("random-dkn", d, 3, true);
        }
        return new PerturbedQueryRecord
        {
            Key = "a",
            FactId = "a",
            RelationId = "r",
            Clean = "x y z",
            Answer = "w",
            Dkn = [new(0, 1), new(0, 2)],
            KnowledgeNeurons = [new(0, 1), new(0, 2)],
            Factor = 2,
            Scores = [.. scores],
            Perturbations =
            [
                .. Enumerable
                    .Range(1, 3)
                    .Select(i => new PerturbationRecord(i, "replace", $"x {i} z", 1, "y", i.ToString(), false, true)),
            ],
        };
    }

    [Fact]
    public void DrawsAreAveragedPerQueryAndTheQueryIsTheTrial()
    {
        var m = EnhancementMetrics.Compute([Record()], seed: 1);
        var random = m.Summary.Single(s => s.Kind == "replace" && s.Condition == "random-dkn");
        Assert.Equal(("query", 3, 4, 12), (random.Unit, random.Queries, random.Draws, random.Observations));
        Assert.Equal((0.5 + 0 + 1) / 3, random.Accuracy, 12);
        double n = 3,
            p = 0.5,
            centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n),
            half = Z / (1 + Z * Z / n) * Math.Sqrt(p * (1 - p) / n + Z * Z / (4 * n * n));
        Assert.Equal(centre - half, random.AccuracyCiLow, 9);
        Assert.Equal(centre + half, random.AccuracyCiHigh, 9);
        var dkn = m.Summary.Single(s => s.Kind == "replace" && s.Condition == "dkn");
        Assert.Equal((2.0 / 3, 3), (dkn.Accuracy, dkn.Observations));
        var contrast = m.Contrasts.Single(c => c.Kind == "replace" && c.Contrast == "dkn - random-dkn");
        Assert.Equal(((1 - 0.5) + 0 + 0) / 3, contrast.AccuracyDifference, 12);
        Assert.Equal((3, 1), (contrast.Queries, contrast.Facts));
    }
}
