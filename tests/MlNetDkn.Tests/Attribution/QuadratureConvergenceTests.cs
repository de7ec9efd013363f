using MlNetDkn.Attribution;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using Xunit.Abstractions;

namespace MlNetDkn.Tests.Attribution;

/// <summary>
/// Gauss–Legendre integrated gradients converge, on the golden models (float64), to a 512-point midpoint reference:
/// the error max|score − ref| / max|ref| falls from 1 to 4 points and is at most 1e-5 at 8 points (measured: at most
/// 4.7e-6 over four families and three sequences, where the reference's own error is about 1e-7).
/// </summary>
public class QuadratureConvergenceTests(ITestOutputHelper output)
{
    static AttributionRequest Request(int s) => new(GoldenModels.Sequence(s), [GoldenModels.Target(s)]);

    static AttributionResult Attribute(LoadedModel model, int s, AttributionOptions options) =>
        IntegratedGradients.Attribute(model.Model, Request(s), options);

    static double RelativeError(double[][] scores, double[][] reference)
    {
        double scale = reference.SelectMany(r => r).Max(Math.Abs);
        return scores.Zip(reference).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second))) / scale;
    }

    [Theory]
    [MemberData(nameof(GoldenModels.ArchAndSequence), MemberType = typeof(GoldenModels))]
    public void GaussLegendreConvergesToTheMidpointReference(string arch, int s)
    {
        using var model = GoldenModels.Load(arch);
        var reference = Attribute(model, s, AttributionOptions.Default with { Steps = 512 });
        var errors = new[] { 1, 2, 3, 4, 8 }.ToDictionary(
            n => n,
            n => RelativeError(Attribute(model, s, AttributionOptions.Gauss(n)).Scores, reference.Scores)
        );
        output.WriteLine($"{arch} seq{s}: " + string.Join(", ", errors.Select(e => $"N={e.Key} {e.Value:E1}")));
        Assert.True(errors[1] > errors[2] && errors[2] > errors[3] && errors[3] > errors[4], "error not decreasing");
        Assert.True(errors[8] <= 1e-5, $"8-point error {errors[8]:E2} > 1e-5");
    }

    [Fact]
    public void GaussLegendrePointsCarryTheirWeights()
    {
        // A one-point Gauss rule is the one-point midpoint rule: α = ½, weight 1. The two must agree to rounding.
        using var model = GoldenModels.Load("gpt2");
        var gauss = Attribute(model, 0, AttributionOptions.Gauss(1));
        var midpoint = Attribute(model, 0, AttributionOptions.Default with { Steps = 1 });
        Assert.True(RelativeError(gauss.Scores, midpoint.Scores) <= 1e-14);
        Assert.Equal([1], gauss.PathPointsUsed);
        Assert.Equal([20], Attribute(model, 0, AttributionOptions.Default).PathPointsUsed);
    }

    [Theory]
    [InlineData("gpt2", 2, 1e-5)]
    [InlineData("qwen2", 0, 1e-4)]
    [InlineData("gpt_neox", 0, 1e-3)]
    public void AdaptiveRuleStopsAtTheFirstCountWithinTolerance(string arch, int s, double tolerance)
    {
        using var model = GoldenModels.Load(arch);
        var options = AttributionOptions.Adaptive with { CompletenessTolerance = tolerance };
        var adaptive = IntegratedGradients.Attribute(model.Model, Request(s), options);
        int used = Assert.Single(adaptive.PathPointsUsed);
        output.WriteLine($"{arch} seq{s} tolerance {tolerance:E0}: {used} points");
        Assert.True(used > options.Steps, $"stopped at the first count tried ({used})");
        Assert.True(used < options.MaxSteps, $"ran to the cap ({used})");
        // Every doubling before it misses the tolerance with a fixed rule; the count it chose meets it.
        for (int n = options.Steps; n < used; n *= 2)
        {
            var fixedRule = IntegratedGradients.Attribute(model.Model, Request(s), AttributionOptions.Gauss(n));
            Assert.True(fixedRule.RelativeCompletenessError > tolerance, $"{n} points already meet the tolerance");
        }
        var chosen = IntegratedGradients.Attribute(model.Model, Request(s), AttributionOptions.Gauss(used));
        Assert.True(chosen.RelativeCompletenessError <= tolerance);
        Assert.True(adaptive.RelativeCompletenessError <= tolerance);
        Assert.Equal(chosen.Scores, adaptive.Scores);
    }

    [Fact]
    public void AdaptiveRuleStopsAtItsCap()
    {
        using var model = GoldenModels.Load("qwen2");
        var options = AttributionOptions.Adaptive with { CompletenessTolerance = 1e-12, MaxSteps = 6 };
        // 2, 4, then the cap 6 (not 8): the tolerance is beyond float64 completeness here.
        Assert.Equal([6], IntegratedGradients.Attribute(model.Model, Request(0), options).PathPointsUsed);
    }

    [Fact]
    public void NewOptionsLeaveExistingHashesAlone()
    {
        string[] presets = ["default", "eleuther", "dkn-authors", "grad-x-act", "baseline-gradient", "ig-5"];
        foreach (var preset in presets)
        {
            var options = AttributionOptions.FromPreset(preset);
            var json = options.ToCanonicalJson();
            Assert.DoesNotContain("CompletenessTolerance", json);
            Assert.DoesNotContain("MaxSteps", json);
            // A cap without a tolerance changes nothing, so it does not change the key either.
            Assert.Equal(options.Hash, (options with { MaxSteps = 33 }).Hash);
        }
        var adaptive = AttributionOptions.FromPreset("adaptive");
        Assert.NotEqual(adaptive.Hash, (adaptive with { CompletenessTolerance = 1e-2 }).Hash);
        Assert.NotEqual(adaptive.Hash, (adaptive with { MaxSteps = 32 }).Hash);
        Assert.NotEqual(AttributionOptions.Gauss(8).Hash, AttributionOptions.FewSteps(8).Hash);
    }

    [Fact]
    public void OptionsTextReadsTheNewKeysAndRejectsAnAdaptivePeerMultiplier()
    {
        var options = AttributionOptionsText.ApplyAll(
            AttributionOptions.Default,
            "grid=gauss-legendre,tolerance=0.01,max-steps=40"
        );
        Assert.Equal(
            (PathGrid.GaussLegendre, 0.01, 40),
            (options.Grid, options.CompletenessTolerance, options.MaxSteps)
        );
        var (gauss6, gauss) = (AttributionOptions.FromPreset("gauss-6"), AttributionOptions.FromPreset("gauss"));
        Assert.Equal((PathGrid.GaussLegendre, 6), (gauss6.Grid, gauss6.Steps));
        Assert.Equal((PathGrid.GaussLegendre, 4), (gauss.Grid, gauss.Steps));
        var adaptive = AttributionOptions.Adaptive;
        var authors = AttributionOptions.DknAuthors;
        Assert.Throws<DknInputException>(() => (authors with { CompletenessTolerance = 1e-3 }).Validate());
        Assert.Throws<DknInputException>(() => (adaptive with { MaxSteps = 1 }).Validate());
        Assert.Throws<DknInputException>(() => (adaptive with { CompletenessTolerance = -1 }).Validate());
    }
}
