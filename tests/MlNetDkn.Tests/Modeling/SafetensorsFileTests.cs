using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Modeling;

public class SafetensorsFileTests
{
    [Fact]
    public void ReadsGoldenGpt2Header()
    {
        var file = SafetensorsFile.Open(Path.Combine(SharedPaths.Golden, "gpt2", "model.safetensors"));
        Assert.Contains(file.Entries.Values, e =>
            e.Name.EndsWith("h.0.mlp.c_fc.weight") && e.Shape.SequenceEqual(new long[] { 64, 256 })
        );
        using var t = file.Read(file.Entries.Keys.First(k => k.EndsWith("wte.weight")));
        Assert.Equal(new long[] { 256, 64 }, t.shape);
    }

    [Fact]
    public void TruncatedFileIsRejectedWithTensorName()
    {
        var dir = SharedPaths.TempDir("truncated");
        var source = File.ReadAllBytes(Path.Combine(SharedPaths.Golden, "gpt2", "model.safetensors"));
        var path = Path.Combine(dir, "model.safetensors");
        File.WriteAllBytes(path, source[..(source.Length / 2)]);
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void GarbageHeaderIsRejected()
    {
        var dir = SharedPaths.TempDir("garbage");
        var path = Path.Combine(dir, "model.safetensors");
        File.WriteAllBytes(path, [10, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x', 0, 0, 0, 0, 0, 0, 0, 0]);
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path));
        Assert.Contains("corrupt", e.Message);
    }
}
