namespace MlNetDkn.Attribution.Internal;

/// <summary>The α values of a path grid; each point carries weight 1/m in the score.</summary>
static class PathPoints
{
    public static double[] Alphas(PathGrid grid, int steps) => grid switch
    {
        PathGrid.LeftRiemann => Enumerable.Range(0, steps).Select(k => (double)k / steps).ToArray(),
        PathGrid.Midpoint => Enumerable.Range(0, steps).Select(k => (k + 0.5) / steps).ToArray(),
        // torch.linspace(0, 1, m): a single point is 0.
        PathGrid.Linspace => steps == 1 ? [0.0] : Enumerable.Range(0, steps).Select(k => (double)k / (steps - 1)).ToArray(),
        PathGrid.Endpoint => Enumerable.Repeat(1.0, steps).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(grid)),
    };
}
