namespace MlNetDkn.Metrics;

/// <summary>
/// A share over units of analysis (queries or facts) whose outcomes may repeat (random-control draws, seeds, a fact's
/// prompts): each unit's repeats are averaged first, the share is the mean of those unit means, and the 95 % Wilson
/// interval counts units, not repeats, as trials. A unit mean in [0, 1] with mean p has variance at most p(1 − p), so
/// the interval is conservative where repeats agree only partly and exact where they always agree (a deterministic
/// condition, one repeat per unit). Pooling repeats as independent trials would shrink the interval by √repeats.
/// </summary>
/// <param name="Unit">What one trial is ("query", "fact").</param>
/// <param name="Units">The denominator: how many units.</param>
/// <param name="Observations">Outcomes behind them (units × repeats).</param>
/// <param name="Successes">Σ unit means (fractional when repeats disagree).</param>
public sealed record UnitShare(
    string Unit,
    int Units,
    int Observations,
    double Successes,
    double Share,
    double CiLow,
    double CiHigh
)
{
    /// <summary>The share over units from each unit's repeated outcomes; units without outcomes are left out.</summary>
    public static UnitShare Of(string unit, IEnumerable<IReadOnlyCollection<bool>> repeatsPerUnit)
    {
        var units = repeatsPerUnit.Where(r => r.Count > 0).ToList();
        return OfMeans(unit, units.Select(r => r.Count(x => x) / (double)r.Count), units.Sum(r => r.Count));
    }

    /// <summary>From unit means already taken (NaN means are left out and not counted).</summary>
    public static UnitShare OfMeans(string unit, IEnumerable<double> unitMeans, int observations)
    {
        var means = unitMeans.Where(m => !double.IsNaN(m)).ToArray();
        if (means.Any(m => m is < 0 or > 1))
            throw new ArgumentOutOfRangeException(nameof(unitMeans), "a unit's share must be in [0, 1]");
        double successes = means.Sum();
        var (low, high) = Proportion.Wilson(successes, means.Length);
        return new(
            unit,
            means.Length,
            observations,
            successes,
            means.Length == 0 ? double.NaN : successes / means.Length,
            low,
            high
        );
    }
}
