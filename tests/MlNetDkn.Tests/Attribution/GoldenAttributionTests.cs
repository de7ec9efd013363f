using MlNetDkn.Attribution;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Tests.Support;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Attribution;

/// <summary>
/// Integrated gradients equal the references: transformers-based definitions for all four families, EleutherAI's
/// and the DKN authors' own outputs. Tolerance: |ours − ref| ≤ 1e-6 · max|ref| in float64, 1e-4 · max|ref| in float32.
/// </summary>
public class GoldenAttributionTests
{
    static readonly AttributionOptions PostMidpoint = new()
    {
        Site = NeuronSite.Post,
        Baseline = BaselineKind.Zero,
        Grid = PathGrid.Midpoint,
        Multiplier = ScoreMultiplier.Activation,
        Objective = AttributionObjective.Probability,
        Steps = 20,
    };

    static AttributionResult Run(string arch, int s, AttributionOptions options, string dtype = "float64")
    {
        using var model = GoldenModels.Load(arch, dtype);
        return IntegratedGradients.Attribute(
            model.Model,
            new AttributionRequest(GoldenModels.Sequence(s), [GoldenModels.Target(s)]),
            options
        );
    }

    static void AssertClose(double[][] ours, Tensor reference, double relative)
    {
        var r = reference.to_type(ScalarType.Float64);
        double scale = r.abs().max().item<double>();
        using var mine = tensor(ours.SelectMany(x => x).ToArray()).reshape(r.shape);
        double diff = (mine - r).abs().max().item<double>();
        Assert.True(diff <= relative * scale, $"max diff {diff:E3} > {relative:E0} × {scale:E3}");
    }

    [Theory]
    [MemberData(nameof(GoldenModels.ArchAndSequence), MemberType = typeof(GoldenModels))]
    public void PostMidpointMatchesForEveryFamily(string arch, int s)
    {
        var reference = GoldenModels.Ref(arch, $"seq{s}.ig.post.midpoint");
        AssertClose(Run(arch, s, PostMidpoint).Scores, reference, 1e-6);
        AssertClose(Run(arch, s, PostMidpoint with { FastPath = false }).Scores, reference, 1e-6);
        AssertClose(Run(arch, s, PostMidpoint, "float32").Scores, reference, 1e-4);
    }

    [Theory]
    [MemberData(nameof(GoldenModels.ArchAndSequence), MemberType = typeof(GoldenModels))]
    public void EleutherPresetMatchesPreLinspaceForEveryFamily(string arch, int s)
    {
        AssertClose(
            Run(arch, s, AttributionOptions.Eleuther).Scores,
            GoldenModels.Ref(arch, $"seq{s}.ig.pre.linspace"),
            1e-6
        );
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void EleutherPresetMatchesEleutherCode(int s)
    {
        var peer = SafetensorsFile.Open(Path.Combine(SharedPaths.Golden, "gpt2", "peer_eleuther.safetensors"));
        var result = Run("gpt2", s, AttributionOptions.Eleuther);
        AssertClose(result.Scores, peer.Read($"seq{s}.scores"), 1e-6);
        AssertClose(Run("gpt2", s, AttributionOptions.Eleuther, "float32").Scores, peer.Read($"seq{s}.scores"), 1e-4);

        var coarse = peer.Read($"seq{s}.coarse").to_type(ScalarType.Int64);
        var expected = Enumerable
            .Range(0, (int)coarse.shape[0])
            .Select(i => new Neuron((int)coarse[i, 0].item<long>(), (int)coarse[i, 1].item<long>()))
            .ToList();
        var selected = NeuronSelection
            .Coarse(result.Scores, CoarseThreshold.RatioOfMax(0.3))
            .Select(n => n.Neuron)
            .OrderBy(n => n)
            .ToList();
        Assert.Equal(expected, selected);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void DknAuthorsPresetMatchesTheirCode(string arch)
    {
        foreach (var (peer, s) in PeerDkn(arch))
        {
            using var model = GoldenModels.Load(arch);
            var result = IntegratedGradients.Attribute(
                model.Model,
                new AttributionRequest(peer.PromptTokens, [peer.TargetToken]),
                AttributionOptions.DknAuthors
            );
            using var reference = tensor(peer.Scores.SelectMany(x => x).ToArray())
                .reshape(peer.Scores.Length, peer.Scores[0].Length);
            AssertClose(result.Scores, reference, 1e-6);
            var kn = NeuronSelection
                .Coarse(result.Scores, CoarseThreshold.RatioOfMax(0.2))
                .Select(n => n.Neuron)
                .ToArray();
            Assert.Equal(peer.Kn, kn);
        }
    }

    [Theory]
    [MemberData(nameof(GoldenModels.Archs), MemberType = typeof(GoldenModels))]
    public void FastPathEqualsNaivePathForOneTokenPromptsAndMultiTokenAnswers(string arch)
    {
        using var model = GoldenModels.Load(arch);
        foreach (
            var request in new[] { new AttributionRequest([3], [7]), new AttributionRequest([3, 17, 42], [7, 9, 11]) }
        )
        {
            var fast = IntegratedGradients.Attribute(model.Model, request, AttributionOptions.Default);
            var naive = IntegratedGradients.Attribute(
                model.Model,
                request,
                AttributionOptions.Default with
                {
                    FastPath = false,
                }
            );
            using var reference = tensor(naive.Scores.SelectMany(x => x).ToArray()).reshape(naive.Layers, naive.Width);
            AssertClose(fast.Scores, reference, 1e-9);
            Assert.Equal(naive.CompletenessError, fast.CompletenessError, (a, b) => Math.Abs(a - b) < 1e-12);
            // Midpoint IG with multiplier a − b is complete up to its quadrature error.
            Assert.True(fast.RelativeCompletenessError < 0.05, $"completeness {fast.RelativeCompletenessError}");
        }
    }

    static IEnumerable<(PeerDknPrompt, int)> PeerDkn(string arch) => PeerDknPrompt.Load(arch).Select((p, i) => (p, i));
}
