using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Tests.Support;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Modeling;

/// <summary>
/// Loading builds the model without initialising its weights and reads the file straight into them, so these check
/// that nothing of an uninitialised build survives: every parameter and the forward pass equal a model built with
/// initialised weights and assigned the same checkpoint, and a checkpoint that lacks a tensor is refused.
/// </summary>
public class WeightLoadingTests
{
    [Theory]
    [InlineData("gpt2", "float32")]
    [InlineData("llama", "float32")]
    [InlineData("gpt_neox", "bfloat16")]
    [InlineData("qwen2", "float64")]
    public void LoadedModelEqualsAnInitialisedBuildAssignedTheSameCheckpoint(string arch, string dtype)
    {
        var folder = GoldenModels.Folder(arch);
        using var loaded = ModelLoader.Load(folder, new ModelLoadOptions { DType = dtype });
        using var reference = ModelLoader.Create(loaded.Config, loaded.Model.DType);
        var tensors = CheckpointTensors.FromSafetensors(
            HuggingFaceFolder.WeightFiles(folder).Select(SafetensorsFile.Open)
        );
        WeightAssigner.Assign(reference, tensors, folder);

        var expected = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in loaded.Model.named_parameters())
            Assert.True(parameter.eq(expected[name]).all().item<bool>(), $"parameter {name} differs");
        using var scope = NewDisposeScope();
        var tokens = tensor(GoldenModels.Sequence(0)).unsqueeze(0);
        using (no_grad())
            Assert.True(loaded.Model.Forward(tokens).eq(reference.Forward(tokens)).all().item<bool>(), "logits differ");
    }

    [Fact]
    public void CheckpointMissingATensorIsRefusedNamingIt()
    {
        var source = Path.Combine(GoldenModels.Folder("gpt2"), "model.safetensors");
        var all = SafetensorsFile.Open(source).ReadAll();
        var missing = all.Keys.First(k => k.EndsWith("h.1.mlp.c_proj.weight", StringComparison.Ordinal));
        var dir = SharedPaths.TempDir("missing-tensor");
        File.Copy(
            Path.Combine(GoldenModels.Folder("gpt2"), "config.json"),
            Path.Combine(dir, "config.json"),
            overwrite: true
        );
        SafetensorsWriter.Write(
            Path.Combine(dir, "model.safetensors"),
            all.Where(kv => kv.Key != missing).ToDictionary()
        );
        foreach (var t in all.Values)
            t.Dispose();

        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir));
        Assert.Contains("missing tensor", e.Message);
        Assert.Contains("h.1.mlp.c_proj.weight", e.Message);
    }
}
