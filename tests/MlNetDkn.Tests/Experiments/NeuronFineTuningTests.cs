using MlNetDkn.Experiments.Evolvability;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Experiments;

/// <summary>
/// Neuron-restricted fine-tuning changes exactly the chosen neurons' slices of their input weights, biases and
/// output weights, for every architecture, and nothing else bit for bit; one optimizer step per batch (two with
/// the authors' option); the authors' leaky variant moves embeddings and the final norm too. E2's overlap and
/// hypergeometric null recomputed by hand.
/// </summary>
public class NeuronFineTuningTests
{
    static readonly (long[], long[])[] Examples =
    [
        ([1, 2, 3], [4]),
        ([5, 6, 7, 8], [9, 10]),
        ([11, 12], [13]),
        ([2, 4, 6], [8]),
    ];

    static Dictionary<string, Tensor> Snapshot(CausalLm model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("gpt_neox")]
    public void OnlyTheChosenNeuronsSlicesMove(string family)
    {
        using var loaded = ModelLoader.Load(Path.Combine(SharedPaths.Golden, family));
        var model = loaded.Model;
        var before = Snapshot(model);
        Neuron[] neurons = [new(0, 2), new(0, 9), new(1, 4)];
        var result = NeuronFineTuning.Train(
            model,
            Examples,
            neurons,
            new FineTuneOptions
            {
                LearningRate = 1e-2,
                Epochs = 2,
                BatchSize = 3,
            }
        );
        Assert.Equal(4, result.OptimizerSteps); // 2 epochs × ceil(4 / 3) batches
        var allowed = new Dictionary<string, (int Dim, long[] Index)>();
        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        foreach (var layer in neurons.GroupBy(n => n.Layer))
        foreach (var (p, dim, _) in model.Blocks[layer.Key].Mlp.NeuronParameters)
            allowed[names[p.Handle]] = (dim, layer.Select(n => (long)n.Index).ToArray());
        long expectedCount = 0;
        foreach (var (name, p) in model.named_parameters())
        {
            var old = before[name];
            if (!allowed.TryGetValue(name, out var a))
            {
                Assert.True(old.eq(p).all().item<bool>(), $"{family}: {name} changed");
                continue;
            }
            var index = tensor(a.Index);
            var keep = ones(p.shape[a.Dim], dtype: ScalarType.Bool);
            keep.index_fill_(0, index, false);
            var otherRows = tensor(
                Enumerable.Range(0, (int)p.shape[a.Dim]).Where(i => !a.Index.Contains(i)).Select(i => (long)i).ToArray()
            );
            Assert.True(
                old.index_select(a.Dim, otherRows).eq(p.index_select(a.Dim, otherRows)).all().item<bool>(),
                $"{family}: {name} changed outside the neurons"
            );
            Assert.False(
                old.index_select(a.Dim, index).eq(p.index_select(a.Dim, index)).all().item<bool>(),
                $"{family}: {name} did not train"
            );
            expectedCount += p.numel() / p.shape[a.Dim] * a.Index.Length;
        }
        Assert.Equal(expectedCount, result.TrainableParameters);
    }

    [Fact]
    public void TheAuthorsVariantStepsTwiceAndLeaksIntoEmbeddingsAndTheFinalNorm()
    {
        using var loaded = ModelLoader.Load(Path.Combine(SharedPaths.Golden, "gpt2"));
        var model = loaded.Model;
        var before = Snapshot(model);
        var result = NeuronFineTuning.Train(
            model,
            Examples,
            [new(0, 2)],
            new FineTuneOptions
            {
                LearningRate = 1e-2,
                Epochs = 1,
                BatchSize = 2,
                AuthorsLeaky = true,
                AuthorsDoubleStep = true,
            }
        );
        Assert.Equal(4, result.OptimizerSteps);
        var changed = model
            .named_parameters()
            .Where(p => !before[p.name].eq(p.parameter).all().item<bool>())
            .Select(p => p.name)
            .ToList();
        Assert.Contains(changed, n => n.Contains("wte"));
        Assert.Contains(changed, n => n.Contains("ln_f"));
        Assert.Contains(changed, n => n.Contains("mlp.c_fc"));
        Assert.DoesNotContain(changed, n => n.Contains("mlp.c_proj")); // only the input side of the neurons
        Assert.DoesNotContain(changed, n => n.Contains(".attn."));
    }

    [Fact]
    public void FullFineTuningMovesEveryTrainedParameterAndCountsThemAll()
    {
        using var loaded = ModelLoader.Load(Path.Combine(SharedPaths.Golden, "llama"));
        var result = NeuronFineTuning.Train(
            loaded.Model,
            Examples,
            null,
            new FineTuneOptions
            {
                LearningRate = 1e-3,
                Epochs = 1,
                BatchSize = 4,
            }
        );
        Assert.Equal(loaded.Model.parameters().Sum(p => p.numel()), result.TrainableParameters);
        Assert.Equal(1, result.OptimizerSteps);
    }

    [Fact]
    public void OverlapAndItsHypergeometricNullMatchAHandCount()
    {
        // N = 10 neurons, ΔN = {0:1, 0:2, 0:3}, X = {0:1, 0:2, 0:7, 0:8}: overlap 2 of 4.
        Neuron[] changed = [new(0, 1), new(0, 2), new(0, 3)];
        Neuron[] x = [new(0, 1), new(0, 2), new(0, 7), new(0, 8)];
        var row = OverlapAnalysis.Overlap("cut", "dkn", x, changed, 10);
        Assert.Equal((2, 0.5, 0.3), (row.Overlap, row.Share, row.Expected));
        // P(K ≥ 2) for K ~ Hypergeometric(N=10, K=3, n=4) = [C(3,2)C(7,2) + C(3,3)C(7,1)] / C(10,4) = (63 + 7) / 210.
        Assert.Equal(70.0 / 210.0, row.PEnriched, 12);
        // Relative change: a neuron whose input row doubles and whose output column stays.
        var change = new[] { new[] { 0.0, 0.2, 0.01 } };
        Assert.Equal([new Neuron(0, 1)], OverlapAnalysis.Changed(change, 0.05));
        Assert.Equal([new Neuron(0, 1), new Neuron(0, 2)], OverlapAnalysis.TopK(change, 2));
    }

    [Fact]
    public void RelativeChangeIsTheNormOfTheNeuronsSlicesChange()
    {
        using var a = ModelLoader.Load(Path.Combine(SharedPaths.Golden, "gpt2"));
        using var b = ModelLoader.Load(Path.Combine(SharedPaths.Golden, "gpt2"));
        var mlp = b.Model.Blocks[1].Mlp;
        using (no_grad())
        {
            var (fc, _, _) = mlp.NeuronParameters[0]; // c_fc weight [d_ff, d_model]
            fc[3].mul_(2.0); // neuron 3's input row doubled
        }
        var change = OverlapAnalysis.RelativeChange(a.Model, b.Model);
        var pa = a.Model.Blocks[1].Mlp.NeuronParameters;
        double inRow = pa[0].Parameter[3].pow(2).sum().item<float>(),
            bias = pa[1].Parameter[3].pow(2).item<float>(),
            outColumn = pa[2].Parameter[.., 3].pow(2).sum().item<float>();
        Assert.Equal(Math.Sqrt(inRow) / Math.Sqrt(inRow + bias + outColumn), change[1][3], 5);
        Assert.Equal(0, change[1][4]);
        Assert.All(change[0], r => Assert.Equal(0, r));
    }
}
