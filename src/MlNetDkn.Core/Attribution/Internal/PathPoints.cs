using MathNet.Numerics.Integration;

namespace MlNetDkn.Attribution.Internal;

/// <summary>One evaluation point of the path integral: where it lies (α in [0, 1]) and its weight in the score.
/// </summary>
readonly record struct PathPoint(double Alpha, double Weight);

/// <summary>The points of a path grid. Every grid but Gauss–Legendre weighs each of its m points 1/m.</summary>
static class PathPoints
{
    public static double[] Alphas(PathGrid grid, int steps) =>
        grid switch
        {
            PathGrid.LeftRiemann => Enumerable.Range(0, steps).Select(k => (double)k / steps).ToArray(),
            PathGrid.Midpoint => Enumerable.Range(0, steps).Select(k => (k + 0.5) / steps).ToArray(),
            // torch.linspace(0, 1, m): a single point is 0.
            PathGrid.Linspace => steps == 1
                ? [0.0]
                : Enumerable.Range(0, steps).Select(k => (double)k / (steps - 1)).ToArray(),
            PathGrid.Endpoint => Enumerable.Repeat(1.0, steps).ToArray(),
            PathGrid.GaussLegendre => GaussLegendre(steps).Select(p => p.Alpha).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(grid)),
        };

    /// <summary>True when every point weighs 1/m: the score then divides the gradient sum by m once, as the peers
    /// do, which keeps their presets bit-for-bit what they were.</summary>
    public static bool HasEqualWeights(PathGrid grid) => grid != PathGrid.GaussLegendre;

    /// <summary>The grid's points with their weights, α ascending.</summary>
    public static PathPoint[] Of(PathGrid grid, int steps) =>
        grid == PathGrid.GaussLegendre
            ? GaussLegendre(steps)
            : Alphas(grid, steps).Select(a => new PathPoint(a, 1.0 / steps)).ToArray();

    /// <summary>
    /// The n-point Gauss–Legendre rule on [0, 1]: exact for polynomials of degree ≤ 2n − 1, weights summing to 1.
    /// Math.NET Numerics (already a dependency) tabulates the nodes to 25 digits for n ≤ 20 and finds others by
    /// Newton iteration on the Legendre polynomial; they are put in ascending order here.
    /// </summary>
    public static PathPoint[] GaussLegendre(int n)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "a Gauss–Legendre rule needs a point");
        if (n == 1)
            return [new PathPoint(0.5, 1.0)];
        var rule = new GaussLegendreRule(0, 1, n);
        return rule.Abscissas.Zip(rule.Weights, (a, w) => new PathPoint(a, w)).OrderBy(p => p.Alpha).ToArray();
    }
}
