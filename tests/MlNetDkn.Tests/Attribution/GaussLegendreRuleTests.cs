using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Internal;

namespace MlNetDkn.Tests.Attribution;

/// <summary>The n-point Gauss–Legendre rule on [0, 1] integrates x^k exactly (∫₀¹ x^k dx = 1/(k+1)) for
/// k ≤ 2n − 1, within 1e-12, and misses degree 2n by the textbook remainder; the other grids keep their equal weights
/// 1/m.</summary>
public class GaussLegendreRuleTests
{
    const double Exact = 1e-12;

    static double Integrate(PathPoint[] points, int degree) => points.Sum(p => p.Weight * Math.Pow(p.Alpha, degree));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(24)]
    [InlineData(33)] // not tabulated by the library: found by Newton iteration
    public void IntegratesPolynomialsOfDegreeTwoNMinusOneExactly(int n)
    {
        var points = PathPoints.GaussLegendre(n);
        Assert.Equal(n, points.Length);
        for (int k = 0; k <= 2 * n - 1; k++)
        {
            double error = Math.Abs(Integrate(points, k) - 1.0 / (k + 1));
            Assert.True(error <= Exact, $"n = {n}, degree {k}: error {error:E2}");
        }
        // Degree 2n is where the rule stops being exact, by the textbook remainder
        // ∫ − Q = (n!)⁴ / ((2n+1) ((2n)!)²).
        double remainder = 1.0 / (2 * n + 1);
        for (int k = 1; k <= n; k++)
            remainder *= (double)k * k / ((n + k) * (n + k));
        Assert.True(Math.Abs(1.0 / (2 * n + 1) - Integrate(points, 2 * n) - remainder) <= Exact, $"n = {n}: degree 2n");
        if (n <= 5)
            Assert.True(remainder > 1e-9); // large enough here that an inexact rule would show
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(24)]
    public void NodesLieInsideTheIntervalInOrderWithPositiveWeights(int n)
    {
        var points = PathPoints.GaussLegendre(n);
        Assert.All(points, p => Assert.InRange(p.Alpha, 1e-6, 1 - 1e-6));
        Assert.All(points, p => Assert.True(p.Weight > 0));
        Assert.True(points.Zip(points.Skip(1)).All(q => q.First.Alpha < q.Second.Alpha), "nodes not ascending");
        // Symmetric about ½: node k mirrors node n − 1 − k with the same weight.
        for (int k = 0; k < n; k++)
        {
            Assert.Equal(1.0, points[k].Alpha + points[n - 1 - k].Alpha, 1e-14);
            Assert.Equal(points[k].Weight, points[n - 1 - k].Weight, 1e-14);
        }
    }

    [Fact]
    public void TwoPointRuleHasTheTextbookNodes()
    {
        var points = PathPoints.GaussLegendre(2);
        // ±1/√3 on [−1, 1], mapped to [0, 1].
        Assert.Equal(0.5 - 0.5 / Math.Sqrt(3), points[0].Alpha, 1e-15);
        Assert.Equal(0.5 + 0.5 / Math.Sqrt(3), points[1].Alpha, 1e-15);
        Assert.Equal(0.5, points[0].Weight, 1e-15);
    }

    [Theory]
    [InlineData(PathGrid.LeftRiemann)]
    [InlineData(PathGrid.Linspace)]
    [InlineData(PathGrid.Midpoint)]
    [InlineData(PathGrid.Endpoint)]
    public void EqualWeightGridsWeighEachPointOneOverM(PathGrid grid)
    {
        Assert.True(PathPoints.HasEqualWeights(grid));
        Assert.All(PathPoints.Of(grid, 20), p => Assert.Equal(1.0 / 20, p.Weight));
        Assert.Equal(PathPoints.Alphas(grid, 20), PathPoints.Of(grid, 20).Select(p => p.Alpha));
        Assert.False(PathPoints.HasEqualWeights(PathGrid.GaussLegendre));
    }
}
