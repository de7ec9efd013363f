using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Checkpoints;

/// <summary>A lazily readable set of named tensors: one safetensors file, several shards, or an in-memory
/// dictionary.</summary>
public sealed class CheckpointTensors
{
    readonly Dictionary<string, Func<Tensor>> _readers = new(StringComparer.Ordinal);
    readonly Dictionary<string, Func<Tensor, bool>> _directReaders = new(StringComparer.Ordinal);
    readonly Dictionary<string, long[]> _shapes = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _origins = new(StringComparer.Ordinal);

    /// <summary>
    /// The stored tensor names (e.g. "transformer.h.0.mlp.c_fc.weight"), in the order they were added.
    /// </summary>
    public IEnumerable<string> Names => _readers.Keys;

    /// <summary>The stored shape of tensor <paramref name="name"/>; throws KeyNotFoundException when absent.</summary>
    public long[] Shape(string name) => _shapes[name];

    /// <summary>The file (or label) tensor <paramref name="name"/> comes from, for error messages.</summary>
    public string Origin(string name) => _origins[name];

    /// <summary>Whether a tensor named <paramref name="name"/> is stored.</summary>
    public bool Contains(string name) => _readers.ContainsKey(name);

    /// <summary>
    /// Reads tensor <paramref name="name"/> as stored (its own dtype, on the CPU); throws KeyNotFoundException when
    /// absent.
    /// </summary>
    public Tensor Read(string name) => _readers[name]();

    /// <summary>Reads the tensor into <paramref name="destination"/> without a temporary where the source allows it
    /// (same dtype, contiguous CPU memory); false when it does not, and then nothing was written.</summary>
    public bool TryReadInto(string name, Tensor destination) =>
        _directReaders.TryGetValue(name, out var read) && read(destination);

    /// <summary>Registers a lazily read tensor.</summary>
    /// <param name="origin">The file (or label) it comes from, for error messages.</param>
    /// <param name="directReader">
    /// Optional copy into an existing tensor, returning false when it cannot (see <see cref="TryReadInto"/>).
    /// </param>
    /// <exception cref="CheckpointException">A tensor of the same name is already registered.</exception>
    public void Add(
        string name,
        long[] shape,
        string origin,
        Func<Tensor> reader,
        Func<Tensor, bool>? directReader = null
    )
    {
        if (_readers.ContainsKey(name))
            throw new CheckpointException($"{origin}: tensor '{name}' is also stored in {_origins[name]}");
        _readers[name] = reader;
        _shapes[name] = shape;
        _origins[name] = origin;
        if (directReader is not null)
            _directReaders[name] = directReader;
    }

    /// <summary>The tensors of one or more safetensors files (shards).</summary>
    /// <exception cref="CheckpointException">Two shards hold a tensor of the same name.</exception>
    public static CheckpointTensors FromSafetensors(IEnumerable<SafetensorsFile> files)
    {
        var set = new CheckpointTensors();
        foreach (var file in files)
        foreach (var entry in file.Entries.Values)
            set.Add(
                entry.Name,
                entry.Shape,
                file.Path,
                () => file.Read(entry.Name),
                d => file.TryReadInto(entry.Name, d)
            );
        return set;
    }

    /// <summary>Renames every tensor (for checkpoints saved without their model prefix).</summary>
    public CheckpointTensors Renamed(Func<string, string> rename)
    {
        var set = new CheckpointTensors();
        foreach (var name in Names)
            set.Add(
                rename(name),
                _shapes[name],
                _origins[name],
                _readers[name],
                _directReaders.GetValueOrDefault(name)
            );
        return set;
    }
}
