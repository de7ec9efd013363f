using System.Globalization;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.Tests.Support;
using TorchSharp;

namespace MlNetDkn.Tests.Attribution;

/// <summary>Native tensors do not outlive the calls that make them; options hash and print exactly.</summary>
public class OptionsAndLifetimeTests
{
    static long LiveTensors() => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AttributionAndDknFindingLeaveNoLiveTensors(bool fastPath)
    {
        using var loaded = GoldenModels.Load("gpt2", "float32");
        var prompt = GoldenModels.Sequence(0);
        var request = new AttributionRequest(prompt[..^1], [prompt[^1]]);
        var options = AttributionOptions.Default with { Steps = 4, FastPath = fastPath };
        IntegratedGradients.Attribute(loaded.Model, request, options); // warm up lazily built state
        long before = LiveTensors();
        for (int i = 0; i < 3; i++)
        {
            var result = IntegratedGradients.Attribute(loaded.Model, request, options);
            var neurons = NeuronSelection.Coarse(result.Scores, CoarseThreshold.TopK(6)).Select(n => n.Neuron).ToList();
            DknFinder.Find(loaded.Model, request.PromptTokens, request.AnswerTokens, neurons, DknOptions.Default);
        }
        Assert.Equal(before, LiveTensors());
    }

    [Fact]
    public void GivenBaselineVectorsChangeTheOptionsHash()
    {
        var given = AttributionOptions.Default with
        {
            Baseline = BaselineKind.Given,
            BaselineVectors =
            [
                [0.0, 1.0],
                [2.0, 3.0],
            ],
        };
        var other = given with
        {
            BaselineVectors =
            [
                [0.0, 1.0],
                [2.0, 3.5],
            ],
        };
        Assert.NotEqual(given.Hash, other.Hash);
        Assert.Equal(
            given.Hash,
            (
                given with
                {
                    BaselineVectors =
                    [
                        [0.0, 1.0],
                        [2.0, 3.0],
                    ],
                }
            ).Hash
        );
        Assert.NotEqual(AttributionOptions.Default.Hash, given.Hash);
    }

    [Fact]
    public void ThresholdsPrintInvariantlyAndParseBack()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            foreach (
                var t in new[]
                {
                    CoarseThreshold.RatioOfMax(0.2),
                    CoarseThreshold.Absolute(1.5e-4),
                    CoarseThreshold.Percentile(99.5),
                    CoarseThreshold.TopK(20),
                }
            )
            {
                Assert.DoesNotContain(",", t.ToString());
                Assert.Equal(t, CoarseThreshold.Parse(t.ToString()));
            }
            Assert.Equal("ratio:0.2", CoarseThreshold.RatioOfMax(0.2).ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void AnUnknownNtcMethodIsAnErrorNotASilentDefault()
    {
        var graph = new StructuralGraph(
            [new Neuron(0, 1), new Neuron(1, 2)],
            new double[,]
            {
                { 0, 1 },
                { 1, 0 },
            }
        );
        var e = Assert.Throws<DknInputException>(() =>
            NtcClustering.Cluster(graph, NtcOptions.Corrected with { Method = (NtcMethod)42 })
        );
        Assert.Contains("unknown NTC method 42", e.Message);
    }

    [Fact]
    public void TheBlockListIsBuiltOnce()
    {
        using var loaded = GoldenModels.Load("gpt2", "float32");
        Assert.Same(loaded.Model.Blocks, loaded.Model.Blocks);
    }
}
