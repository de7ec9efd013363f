using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Checkpoints;

/// <summary>A lazily readable set of named tensors: one safetensors file, several shards, or an in-memory dictionary.</summary>
public sealed class CheckpointTensors
{
    readonly Dictionary<string, Func<Tensor>> _readers = new(StringComparer.Ordinal);
    readonly Dictionary<string, Func<Tensor, bool>> _directReaders = new(StringComparer.Ordinal);
    readonly Dictionary<string, long[]> _shapes = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _origins = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _readers.Keys;
    public long[] Shape(string name) => _shapes[name];
    public string Origin(string name) => _origins[name];
    public bool Contains(string name) => _readers.ContainsKey(name);
    public Tensor Read(string name) => _readers[name]();

    /// <summary>Reads the tensor into <paramref name="destination"/> without a temporary where the source allows it
    /// (same dtype, contiguous CPU memory); false when it does not, and then nothing was written.</summary>
    public bool TryReadInto(string name, Tensor destination) => _directReaders.TryGetValue(name, out var read) && read(destination);

    public void Add(string name, long[] shape, string origin, Func<Tensor> reader, Func<Tensor, bool>? directReader = null)
    {
        if (_readers.ContainsKey(name))
            throw new CheckpointException($"{origin}: tensor '{name}' is also stored in {_origins[name]}");
        _readers[name] = reader; _shapes[name] = shape; _origins[name] = origin;
        if (directReader is not null) _directReaders[name] = directReader;
    }

    public static CheckpointTensors FromSafetensors(IEnumerable<SafetensorsFile> files)
    {
        var set = new CheckpointTensors();
        foreach (var file in files)
            foreach (var entry in file.Entries.Values)
                set.Add(entry.Name, entry.Shape, file.Path, () => file.Read(entry.Name), d => file.TryReadInto(entry.Name, d));
        return set;
    }

    /// <summary>Renames every tensor (for checkpoints saved without their model prefix).</summary>
    public CheckpointTensors Renamed(Func<string, string> rename)
    {
        var set = new CheckpointTensors();
        foreach (var name in Names) set.Add(rename(name), _shapes[name], _origins[name], _readers[name], _directReaders.GetValueOrDefault(name));
        return set;
    }
}
