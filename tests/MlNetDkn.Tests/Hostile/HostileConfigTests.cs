using System.Text.Json.Nodes;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Hostile;

/// <summary>
/// A walk over hostile model folders and flags: each ends in exit code 2 and exactly one line on stderr that names
/// the file and the key (as written in the file) or the flag.
/// </summary>
public class HostileConfigTests
{
    static string ModelWith(string arch, Action<JsonObject> edit)
    {
        var source = GoldenModels.Folder(arch);
        var folder = SharedPaths.TempDir("hostile-" + arch);
        foreach (var f in Directory.GetFiles(source))
            File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        var path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
        return folder;
    }

    static void RefusedNaming((int ExitCode, string Out, string Err) result, params string[] named)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Err}");
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.Err);
        foreach (var n in named)
            Assert.True(lines[0].Contains(n), $"'{n}' not in: {lines[0]}");
    }

    public static TheoryData<string, string, string, string> Configs() =>
        new()
        {
            { "gpt2", "n_head", "0", "n_head = 0: the number of attention heads must be at least 1" },
            { "gpt2", "n_head", "5", "n_head = 5 does not divide n_embd = 64" },
            { "gpt2", "n_embd", "-64", "n_embd = -64: hidden size must be at least 1" },
            { "gpt2", "n_embd", "2147483644", "n_embd = 2147483644: hidden size must be at most" },
            { "gpt2", "n_inner", "-1", "n_inner = -1: intermediate (MLP) size must be at least 1" },
            { "gpt2", "n_inner", "2000000000", "n_inner = 2000000000: intermediate (MLP) size must be at most" },
            { "gpt2", "n_layer", "-3", "n_layer = -3: number of layers must be at least 1" },
            { "gpt2", "n_layer", "2000000000", "n_layer = 2000000000: number of layers must be at most" },
            { "gpt2", "n_positions", "0", "n_positions = 0: maximum positions must be at least 1" },
            { "gpt2", "vocab_size", "0", "vocab_size = 0: vocabulary size must be at least 1" },
            { "gpt2", "layer_norm_epsilon", "-1", "layer_norm_epsilon = -1: the norm epsilon must be positive" },
            { "llama", "num_key_value_heads", "3", "num_key_value_heads = 3: key/value heads (3) must divide" },
            { "llama", "num_hidden_layers", "0", "num_hidden_layers = 0" },
            {
                "llama",
                "rope_parameters",
                """{"rope_type":"linear","factor":"two"}""",
                "rope 'factor' must be a finite number"
            },
            { "llama", "rope_parameters", """{"rope_type":7}""", "rope 'rope_type' must be a string" },
            { "qwen2", "max_position_embeddings", "0", "max_position_embeddings = 0" },
            { "gpt_neox", "hidden_size", "32", "(from config.json hidden_size = 32, which the weights disagree with)" },
            { "gpt_neox", "num_attention_heads", "6", "num_attention_heads = 6 does not divide hidden_size = 64" },
        };

    [Theory]
    [MemberData(nameof(Configs))]
    public void ConfigValuesAreRefusedByTheirKey(string arch, string key, string json, string expected)
    {
        var model = ModelWith(arch, c => c[key] = JsonNode.Parse(json));
        var result = CliRunner.Run("inspect", "--model", model, "--tokens", "1,2");
        RefusedNaming(result, Path.GetFileName(model), expected);
        if (!expected.StartsWith('('))
            Assert.Contains("config.json: ", result.Err);
    }

    [Theory]
    [InlineData("7", "must be a file name, got 7")]
    [InlineData("null", "must be a file name, got null")]
    [InlineData("\"../gpt2/model.safetensors\"", "must name a file beside the index, not a path")]
    [InlineData("\"/etc/passwd\"", "must name a file beside the index, not a path")]
    public void AWeightMapValueThatIsNotAFileNameIsRefused(string value, string expected)
    {
        var model = ModelWith("gpt2", _ => { });
        File.Move(Path.Combine(model, "model.safetensors"), Path.Combine(model, "model-00001-of-00001.safetensors"));
        File.WriteAllText(
            Path.Combine(model, "model.safetensors.index.json"),
            $$$"""{"metadata":{},"weight_map":{"transformer.wte.weight":{{{value}}}}}"""
        );
        RefusedNaming(
            CliRunner.Run("inspect", "--model", model, "--tokens", "1,2"),
            "model.safetensors.index.json",
            "weight_map[\"transformer.wte.weight\"]",
            expected
        );
    }

    [Theory]
    [InlineData(",", "--neurons: neuron list ',' names no neuron")]
    [InlineData("1:x", "--neurons: neuron '1:x' is not of the form layer:index")]
    public void AnEmptyOrMalformedNeuronListNamesTheFlag(string neurons, string expected) =>
        RefusedNaming(
            CliRunner.Run(
                "degenerate",
                "--model",
                GoldenModels.Folder("gpt2"),
                "--tokens",
                "1,2,3",
                "--target-token",
                "5",
                "--neurons",
                neurons
            ),
            expected
        );

    [Fact]
    public void APromptLongerThanThePositionsInASinglePromptRunIsBadInput() =>
        RefusedNaming(
            CliRunner.Run(
                "attribute",
                "--model",
                GoldenModels.Folder("gpt2"),
                "--tokens",
                string.Join(",", Enumerable.Repeat("1", 64)),
                "--target-token",
                "5,6"
            ),
            "more than the model's 64 positions"
        );
}
