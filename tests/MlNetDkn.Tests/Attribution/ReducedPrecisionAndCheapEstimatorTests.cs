using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Agreement;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Attribution;

/// <summary>
/// bfloat16/float16 compute and the cheap estimators against exact integrated gradients on the golden models. The
/// bounds are the worst values measured over the four families and three sequences, loosened by a stated margin:
/// a change that makes reduced precision or a cheap preset rank neurons worse than measured fails here.
/// </summary>
public class ReducedPrecisionAndCheapEstimatorTests(ITestOutputHelper output)
{
    static readonly AttributionOptions Exact = AttributionOptions.Default with { Steps = 20 };

    static double[][] Scores(string arch, int s, AttributionOptions options, string dtype)
    {
        using var model = GoldenModels.Load(arch, dtype);
        return IntegratedGradients
            .Attribute(model.Model, new AttributionRequest(GoldenModels.Sequence(s), [GoldenModels.Target(s)]), options)
            .Scores;
    }

    [Theory]
    [MemberData(nameof(GoldenModels.ArchAndSequence), MemberType = typeof(GoldenModels))]
    public void ReducedPrecisionRanksNeuronsAsFloat32Does(string arch, int s)
    {
        var exact = Scores(arch, s, Exact, "float32");
        // Worst measured (12 cases): bfloat16 top-10 0.9, Spearman 0.9939; float16 top-10 0.9, Spearman 0.9999.
        foreach (var (dtype, minTop10, minRho) in new[] { ("bfloat16", 0.8, 0.99), ("float16", 0.8, 0.999) })
        {
            var reduced = Scores(arch, s, Exact, dtype);
            double top10 = RankAgreement.TopKOverlap(exact, reduced, 10),
                rho = RankAgreement.Spearman(exact, reduced);
            output.WriteLine($"{arch} seq{s} {dtype}: top-10 {top10:0.000}, Spearman {rho:0.0000}");
            Assert.True(reduced.All(r => r.All(double.IsFinite)), $"{dtype}: non-finite scores");
            Assert.True(top10 >= minTop10, $"{dtype}: top-10 overlap {top10:0.000} < {minTop10}");
            Assert.True(rho >= minRho, $"{dtype}: Spearman {rho:0.0000} < {minRho}");
        }
    }

    [Theory]
    [MemberData(nameof(GoldenModels.ArchAndSequence), MemberType = typeof(GoldenModels))]
    public void CheapPresetsAgreeWithExactIntegratedGradientsWithinMeasuredBounds(string arch, int s)
    {
        var exact = Scores(arch, s, Exact, "float64");
        // Worst measured (12 cases): ig-10 and ig-5 top-10 1.0, Spearman 1.0000; baseline-gradient 0.7, 0.8867;
        // grad-x-act 0.6, 0.8959.
        foreach (
            var (preset, minTop10, minRho) in new[]
            {
                ("ig-10", 0.9, 0.9995),
                ("ig-5", 0.9, 0.999),
                ("baseline-gradient", 0.5, 0.85),
                ("grad-x-act", 0.5, 0.85),
            }
        )
        {
            var cheap = Scores(
                arch,
                s,
                AgreementVariant.Parse(preset, new("exact", Exact, "float64")).Attribution,
                "float64"
            );
            double top10 = RankAgreement.TopKOverlap(exact, cheap, 10),
                rho = RankAgreement.Spearman(exact, cheap);
            output.WriteLine($"{arch} seq{s} {preset}: top-10 {top10:0.000}, Spearman {rho:0.0000}");
            Assert.True(top10 >= minTop10, $"{preset}: top-10 overlap {top10:0.000} < {minTop10}");
            Assert.True(rho >= minRho, $"{preset}: Spearman {rho:0.0000} < {minRho}");
        }
    }

    [Theory]
    [MemberData(nameof(GoldenModels.Archs), MemberType = typeof(GoldenModels))]
    public void GradientTimesActivationIsTheGradientAtTheActivationTimesActivationMinusBaseline(string arch)
    {
        // The fast path at α = 1 must equal the naive path (a full forward and backward at the clean activations).
        var options = AgreementVariant.Parse("grad-x-act", new("exact", Exact, "float64")).Attribution;
        var fast = Scores(arch, 0, options, "float64");
        var naive = Scores(arch, 0, options with { FastPath = false }, "float64");
        double scale = fast.SelectMany(r => r).Max(Math.Abs);
        double diff = fast.Zip(naive).SelectMany(p => p.First.Zip(p.Second, (a, b) => Math.Abs(a - b))).Max();
        Assert.True(diff <= 1e-9 * scale, $"fast vs naive {diff:E2} (scale {scale:E2})");
        // One point at α = 1 differs from the 20-point integral: the estimator is not silently exact IG.
        var exact = Scores(arch, 0, Exact, "float64");
        Assert.True(
            exact.Zip(fast).SelectMany(p => p.First.Zip(p.Second, (a, b) => Math.Abs(a - b))).Max() > 1e-6 * scale
        );
    }

    [Fact]
    public void MemoryBudgetChoosesTheBatchWithoutChangingScores()
    {
        using var model = GoldenModels.Load("llama", "float64");
        var request = new AttributionRequest(GoldenModels.Sequence(0), [GoldenModels.Target(0)]);
        var byBatch = IntegratedGradients.Attribute(model.Model, request, Exact with { BatchSize = 256 }).Scores;
        var byBudget = IntegratedGradients.Attribute(model.Model, request, Exact with { MemoryBudgetMib = 1 }).Scores;
        double diff = byBatch.Zip(byBudget).SelectMany(p => p.First.Zip(p.Second, (a, b) => Math.Abs(a - b))).Max();
        Assert.True(diff <= 1e-12, $"budgeted batch changed the scores by {diff:E2}");
        Assert.Equal((Exact with { MemoryBudgetMib = 1 }).Hash, Exact.Hash);
        Assert.Throws<DknInputException>(() => (Exact with { MemoryBudgetMib = -1 }).Validate());
    }

    [Fact]
    public void ModelsAreBuiltInTheirDtypeAndTheMemoryCheckCountsIt()
    {
        using (var model = GoldenModels.Load("gpt2", "bfloat16"))
            Assert.All(model.Model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        Assert.Equal(ScalarType.Float32, get_default_dtype());
        var huge = new ModelConfig
        {
            Family = ModelFamily.Llama,
            VocabSize = 32000,
            HiddenSize = 16384,
            IntermediateSize = 53248,
            NumLayers = 126,
            NumHeads = 128,
            NumKvHeads = 8,
            HeadDim = 128,
            MaxPositions = 4096,
        };
        var e = Assert.Throws<DknInputException>(() => ModelLoader.CheckMemory(huge, "405b", ScalarType.BFloat16));
        Assert.Contains("in bfloat16", e.Message);
        Assert.Contains("GiB", e.Message);
    }
}
