using MlNetDkn.Metrics;

namespace MlNetDkn.Tests.Metrics;

/// <summary>
/// A share over units whose outcomes repeat: the interval counts units, not repeats. Checked against the Wilson bound
/// written out by hand and by coverage on simulated draws, where pooling draws as trials under-covers.
/// </summary>
public class UnitShareTests
{
    const double Z = 1.959963984540054;

    [Fact]
    public void NoSuccessOverTwentyThreeQueriesOfTenDrawsHasTheTwentyThreeQueryBound()
    {
        var share = UnitShare.Of("query", Enumerable.Range(0, 23).Select(_ => (IReadOnlyCollection<bool>)new bool[10]));
        // Wilson at 0 successes: upper bound z² / (n + z²).
        Assert.Equal(Z * Z / (23 + Z * Z), share.CiHigh, 9);
        Assert.Equal(0.143, share.CiHigh, 3);
        Assert.Equal((23, 230, 0.0, 0.0), (share.Units, share.Observations, share.Share, share.CiLow));
        // The draws pooled as trials give a bound ten times too narrow.
        Assert.Equal(Z * Z / (230 + Z * Z), Proportion.Of(0, 230).CiHigh, 9);
    }

    [Fact]
    public void RepeatsAreAveragedPerUnitBeforeTheShare()
    {
        // Unit a: 3 of 4 draws, unit b: 0 of 1, unit c: 1 of 1 → (0.75 + 0 + 1) / 3.
        var share = UnitShare.Of(
            "query",
            [
                [true, true, true, false],
                [false],
                [true],
            ]
        );
        Assert.Equal(1.75 / 3, share.Share, 12);
        Assert.Equal(1.75, share.Successes, 12);
        Assert.Equal(6, share.Observations);
        // Wilson with n = 3 units and p = 1.75 / 3, by the formula.
        double n = 3,
            p = 1.75 / 3,
            centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n),
            half = Z / (1 + Z * Z / n) * Math.Sqrt(p * (1 - p) / n + Z * Z / (4 * n * n));
        Assert.Equal(centre - half, share.CiLow, 9);
        Assert.Equal(centre + half, share.CiHigh, 9);
    }

    [Fact]
    public void IntervalsStayInsideZeroAndOne()
    {
        foreach (var means in new[] { new[] { 1.0, 1.0, 1.0 }, [0.0, 0.0], [0.5], [0.1, 0.9, 0.3] })
        {
            var s = UnitShare.OfMeans("fact", means, means.Length);
            Assert.InRange(s.CiLow, 0, s.Share);
            Assert.InRange(s.CiHigh, s.Share, 1);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitShare.OfMeans("fact", [1.2], 1));
    }

    /// <summary>Queries differ (30 % are answered by 90 % of draws, the rest by none), 10 draws each: the interval
    /// over queries covers the mean share at least at its level, the one over draws × queries does not.</summary>
    [Fact]
    public void CoverageOnSimulatedDrawsHoldsOverQueriesAndFailsOverPooledDraws()
    {
        const int Queries = 23,
            Draws = 10,
            Repetitions = 2000;
        const double Truth = 0.3 * 0.9;
        var rng = new Random(11);
        int coveredUnits = 0,
            coveredPooled = 0;
        for (int rep = 0; rep < Repetitions; rep++)
        {
            var outcomes = Enumerable
                .Range(0, Queries)
                .Select(_ =>
                {
                    double p = rng.NextDouble() < 0.3 ? 0.9 : 0.0;
                    return (IReadOnlyCollection<bool>)
                        Enumerable.Range(0, Draws).Select(_ => rng.NextDouble() < p).ToArray();
                })
                .ToList();
            var units = UnitShare.Of("query", outcomes);
            if (units.CiLow <= Truth && Truth <= units.CiHigh)
                coveredUnits++;
            var pooled = Proportion.Of(outcomes.Sum(o => o.Count(x => x)), Queries * Draws);
            if (pooled.CiLow <= Truth && Truth <= pooled.CiHigh)
                coveredPooled++;
        }
        Assert.True(
            coveredUnits >= 0.93 * Repetitions,
            $"interval over queries covered {coveredUnits} of {Repetitions}"
        );
        Assert.True(
            coveredPooled <= 0.87 * Repetitions,
            $"pooled interval covered {coveredPooled} of {Repetitions}: the simulation no longer shows the problem"
        );
    }
}
