using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Layers;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Modeling;

public class RotaryScalingTests
{
    [Fact]
    public void LinearScalingStretchesPositions()
    {
        var x = randn(1, 2, 3, 16, ScalarType.Float64);
        var scaled = new RotaryEmbedding(16, 10000, new RopeScaling("linear", 2, 0, 0, 0));
        var plain = new RotaryEmbedding(16, 10000);
        var a = scaled.Apply(x, tensor(new long[] { 2, 4, 6 }));
        var b = plain.Apply(x, tensor(new long[] { 1, 2, 3 }));
        Assert.True((a - b).abs().max().item<double>() < 1e-6);
        Assert.True((plain.Apply(x, tensor(new long[] { 2, 4, 6 })) - b).abs().max().item<double>() > 1e-3);
    }

    [Fact]
    public void Llama3ScalingKeepsHighFrequenciesAndSlowsLowOnes()
    {
        // Original context 8: wavelengths below 8/4 = 2 stay, above 8/1 = 8 are divided by the factor.
        var scaling = new RopeScaling("llama3", 8, 1, 4, 8);
        var x = randn(1, 1, 1, 64, ScalarType.Float64);
        var scaled = new RotaryEmbedding(64, 10000, scaling).Apply(x, tensor(new long[] { 5 }));
        var plain = new RotaryEmbedding(64, 10000).Apply(x, tensor(new long[] { 5 }));
        var slow = new RotaryEmbedding(64, 10000, new RopeScaling("linear", 8, 0, 0, 0)).Apply(
            x,
            tensor(new long[] { 5 })
        );
        int last = 31; // lowest frequency: wavelength ≫ 8 → behaves like linear scaling by 8
        Assert.True(Math.Abs(scaled[0, 0, 0, last].item<double>() - slow[0, 0, 0, last].item<double>()) < 1e-6);
        Assert.True(
            Math.Abs(scaled[0, 0, 0, last].item<double>() - plain[0, 0, 0, last].item<double>()) > 1e-6
                || Math.Abs(x[0, 0, 0, last].item<double>()) < 1e-9
        );
    }

    [Fact]
    public void UnknownRopeTypeIsRejectedWithSupportedList()
    {
        var json = (System.Text.Json.Nodes.JsonObject)
            System.Text.Json.Nodes.JsonNode.Parse(
                """
                {"model_type":"llama","vocab_size":8,"hidden_size":8,"intermediate_size":16,"num_hidden_layers":1,
                 "num_attention_heads":2,"rope_scaling":{"rope_type":"yarn","factor":4}}
                """
            )!;
        var e = Assert.Throws<DknInputException>(() => ModelConfig.FromJson(json, "config.json"));
        Assert.Contains("supported: default, linear, llama3", e.Message);
    }

    [Theory]
    [InlineData("""{"rope_type":"linear","factor":2.5}""")]
    [InlineData(
        """
            {"rope_type":"llama3","factor":8,"low_freq_factor":1,"high_freq_factor":4,
             "original_max_position_embeddings":8192}
            """
    )]
    public void ASavedConfigKeepsItsRopeScaling(string scaling)
    {
        var json = (System.Text.Json.Nodes.JsonObject)
            System.Text.Json.Nodes.JsonNode.Parse(
                """
                {"model_type":"llama","vocab_size":8,"hidden_size":8,"intermediate_size":16,"num_hidden_layers":1,
                 "num_attention_heads":2,"rope_scaling":
                """
                    + scaling
                    + "}"
            )!;
        var config = ModelConfig.FromJson(json, "config.json");
        Assert.NotNull(config.RopeScaling);
        var saved = (System.Text.Json.Nodes.JsonObject)
            System.Text.Json.Nodes.JsonNode.Parse(config.ToHuggingFaceJson())!;
        Assert.Equal(config.RopeScaling, ModelConfig.FromJson(saved, "saved config.json").RopeScaling);
    }
}
