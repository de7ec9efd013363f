using MlNetDkn.Modeling.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Degeneracy.Internal;

/// <summary>Reads 2-D weights from one or more safetensors shards into double[,] (exact: f32/f16/bf16 widen
/// losslessly).</summary>
internal sealed class CheckpointMatrices(IReadOnlyList<SafetensorsFile> shards)
{
    SafetensorsFile Find(string name) =>
        shards.FirstOrDefault(s => s.Entries.ContainsKey(name))
        ?? throw new CheckpointException($"{string.Join(", ", shards.Select(s => s.Path))}: no tensor named '{name}'");

    /// <summary>Number of consecutive layers 0, 1, ... whose tensor named by the pattern exists.</summary>
    public int CountLayers(string pattern)
    {
        int l = 0;
        while (shards.Any(s => s.Entries.ContainsKey(string.Format(pattern, l))))
            l++;
        if (l == 0)
            throw new CheckpointException(
                $"{string.Join(", ", shards.Select(s => s.Path))}: no tensor named '{string.Format(pattern, 0)}' "
                    + $"(wrong architecture?)"
            );
        return l;
    }

    /// <summary>The tensor as [rows, cols], transposed first when asked.</summary>
    public double[,] Read(string name, bool transpose)
    {
        var file = Find(name);
        using var scope = torch.NewDisposeScope();
        var t = file.Read(name);
        if (t.dim() != 2)
            throw new CheckpointException($"{file.Path}: tensor '{name}' has {t.dim()} dimensions, expected 2");
        var d = t.to_type(ScalarType.Float64);
        if (transpose)
            d = d.t();
        d = d.contiguous();
        int rows = (int)d.shape[0],
            cols = (int)d.shape[1];
        var flat = d.data<double>().ToArray();
        var result = new double[rows, cols];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }
}
