using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Modeling;

/// <summary>Loading beyond the golden files: a trained llama2.c model, bfloat16 and sharded safetensors.</summary>
public class RealCheckpointTests
{
    [Fact]
    public void Stories260KGreedyFromBosTellsItsStory()
    {
        var path = Path.Combine(SharedPaths.Models, "stories260K");
        using var loaded = ModelLoader.Load(path);
        var tokenizer = TokenizerLoader.FromModelFolder(path);
        var ids = Generation.Greedy(loaded.Model, [tokenizer.BosId!.Value], 14);
        Assert.Equal("Once upon a time, there was a little girl named Lily", tokenizer.Decode(ids.Select(i => (int)i)));
    }

    [Fact]
    public void ShardedBfloat16CheckpointLoadsTheRoundedWeights()
    {
        var source = GoldenModels.Folder("llama");
        var file = SafetensorsFile.Open(Path.Combine(source, "model.safetensors"));
        var tensors = file.ReadAll().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.BFloat16));
        var dir = SharedPaths.TempDir("sharded-bf16");
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(dir, "config.json"));
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var shards = new[] { names.Take(names.Count / 2).ToList(), names.Skip(names.Count / 2).ToList() };
        var map = new System.Text.Json.Nodes.JsonObject();
        for (int s = 0; s < 2; s++)
        {
            var shardName = $"model-0000{s + 1}-of-00002.safetensors";
            SafetensorsWriter.Write(Path.Combine(dir, shardName), shards[s].ToDictionary(n => n, n => tensors[n]));
            foreach (var n in shards[s])
                map[n] = shardName;
        }
        File.WriteAllText(
            Path.Combine(dir, HuggingFaceFolder.IndexFile),
            new System.Text.Json.Nodes.JsonObject { ["weight_map"] = map }.ToJsonString()
        );

        using var sharded = ModelLoader.Load(dir, new ModelLoadOptions { DType = "float64" });
        using var original = ModelLoader.Load(source, new ModelLoadOptions { DType = "float64" });
        // Reference: the float32 weights rounded to bfloat16 by hand, then computed in float64.
        using (no_grad())
            foreach (var p in original.Model.parameters())
                p.copy_(p.to_type(ScalarType.BFloat16).to_type(ScalarType.Float64));
        var tokens = tensor(GoldenModels.Sequence(2)).unsqueeze(0);
        Assert.Equal(0.0, GoldenModels.MaxAbsDiff(sharded.Model.Forward(tokens), original.Model.Forward(tokens)));
        // And the rounding mattered: bfloat16 weights give different logits from the float32 ones.
        using var exact = GoldenModels.Load("llama");
        Assert.True(GoldenModels.MaxAbsDiff(sharded.Model.Forward(tokens), exact.Model.Forward(tokens)) > 1e-4);
    }

    [Fact]
    public void MisshapenTensorIsNamedWithBothShapes()
    {
        var source = GoldenModels.Folder("gpt2");
        var tensors = SafetensorsFile.Open(Path.Combine(source, "model.safetensors")).ReadAll();
        var key = tensors.Keys.First(k => k.EndsWith("h.1.mlp.c_fc.weight"));
        tensors[key] = zeros(64, 128);
        var dir = SharedPaths.TempDir("misshapen");
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(dir, "config.json"));
        SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), tensors);
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir));
        Assert.Contains(key, e.Message);
        Assert.Contains("[64, 128]", e.Message);
        Assert.Contains("[64, 256]", e.Message);
    }

    [Fact]
    public void MissingAndUnexpectedTensorsAreNamed()
    {
        var source = GoldenModels.Folder("qwen2");
        var tensors = SafetensorsFile.Open(Path.Combine(source, "model.safetensors")).ReadAll();
        var dropped = tensors.Keys.First(k => k.EndsWith("layers.2.self_attn.k_proj.bias"));
        tensors.Remove(dropped);
        var dir = SharedPaths.TempDir("missing");
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(dir, "config.json"));
        SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), tensors);
        Assert.Contains(dropped, Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir)).Message);

        tensors[dropped] = zeros(32);
        tensors["model.layers.0.mlp.extra.weight"] = zeros(3);
        SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), tensors);
        Assert.Contains(
            "model.layers.0.mlp.extra.weight",
            Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir)).Message
        );
    }
}
