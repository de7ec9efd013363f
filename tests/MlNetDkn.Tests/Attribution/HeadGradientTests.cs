using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Internal;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Attribution;

/// <summary>The sliced closed-form head gradient equals autograd through a full log-softmax / softmax.</summary>
public class HeadGradientTests
{
    // Two full slices and a partial one, so slice boundaries and the last, short slice are both exercised.
    const long Vocab = 2 * HeadGradient.SliceRows + 17;

    [Theory]
    [InlineData(AttributionObjective.LogProbability, 3L)]
    [InlineData(AttributionObjective.LogProbability, Vocab - 5)]
    [InlineData(AttributionObjective.Probability, HeadGradient.SliceRows)]
    [InlineData(AttributionObjective.Probability, Vocab - 1)]
    public void MatchesAutogradThroughTheFullSoftmax(AttributionObjective objective, long target)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(11);
        var hidden = randn([6, 24], ScalarType.Float64, generator: generator);
        var weight = randn([Vocab, 24], ScalarType.Float64, generator: generator) * 0.3;
        // A peaked row: the max subtraction must keep exp from overflowing.
        hidden[0] = weight[target] * 40;

        var (value, gradient) = HeadGradient.Of(hidden, weight, target, objective);

        var h = hidden.detach().requires_grad_(true);
        var logits = h.matmul(weight.t());
        var expected =
            objective == AttributionObjective.Probability
                ? logits.softmax(-1)[TensorIndex.Colon, TensorIndex.Single(target)]
                : logits.log_softmax(-1)[TensorIndex.Colon, TensorIndex.Single(target)];
        var expectedGradient = autograd.grad([expected.sum()], [h])[0];

        Assert.True(
            allclose(value, expected.detach(), rtol: 1e-10, atol: 1e-12),
            $"objective differs by {(value - expected).abs().max().item<double>():g}"
        );
        Assert.True(
            allclose(gradient, expectedGradient, rtol: 1e-9, atol: 1e-12),
            $"gradient differs by {(gradient - expectedGradient).abs().max().item<double>():g}"
        );
    }
}
