using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Checkpoints;

/// <summary>One tensor entry of a safetensors header: name, dtype, shape and byte range in the data section.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads the safetensors format (8-byte little-endian header length, JSON header, raw data). Written by hand because
/// the reader must validate every offset, name the tensor and file in each error, and read tensors one at a time so
/// that sharded multi-gigabyte checkpoints never sit in memory twice.
/// </summary>
public sealed class SafetensorsFile
{
    /// <summary>The file's path as given to <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>The header's tensor entries by name (the "__metadata__" entry excluded).</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    /// <summary>The header's "__metadata__" string map; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    readonly long _dataStart;

    SafetensorsFile(
        string path,
        Dictionary<string, SafetensorsEntry> entries,
        Dictionary<string, string> metadata,
        long dataStart
    )
    {
        Path = path;
        Entries = entries;
        Metadata = metadata;
        _dataStart = dataStart;
    }

    /// <summary>
    /// Reads and validates the header of a safetensors file; tensor data is read later, one tensor at a time.
    /// </summary>
    /// <exception cref="CheckpointException">
    /// The file is missing, truncated, or its header or offsets are invalid.
    /// </exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new CheckpointException($"{path}: file not found");
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw new CheckpointException(
                $"{path}: not a safetensors file (only {fileLength} bytes; expected an 8-byte header length)"
            );
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        long headerLength = BitConverter.ToInt64(lengthBytes);
        if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > fileLength)
            throw new CheckpointException(
                $"{path}: corrupt safetensors header (declared header length {headerLength}, file length {fileLength})"
            );
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: corrupt safetensors header (invalid JSON: {e.Message})");
        }

        long dataStart = 8 + headerLength;
        long dataLength = fileLength - dataStart;
        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>();
        // A name or value that is not valid UTF-8 fails only when it is read.
        try
        {
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new CheckpointException($"{path}: corrupt safetensors header (expected a JSON object)");
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Name == "__metadata__")
                    {
                        foreach (var m in property.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ToString();
                        continue;
                    }
                    var entry = ParseEntry(path, property);
                    long expectedBytes = DTypeSize(path, entry) * entry.Shape.Aggregate(1L, (a, b) => a * b);
                    if (entry.End - entry.Begin != expectedBytes)
                        throw new CheckpointException(
                            $"{path}: tensor '{entry.Name}' occupies {entry.End - entry.Begin} bytes but dtype "
                                + $"{entry.DType} and shape [{string.Join(", ", entry.Shape)}] need {expectedBytes}"
                        );
                    if (entry.Begin < 0 || entry.End > dataLength)
                        throw new CheckpointException(
                            $"{path}: tensor '{entry.Name}' ends at byte {entry.End} of the data section, which "
                                + $"has only {dataLength} bytes (truncated file?)"
                        );
                    entries[entry.Name] = entry;
                }
            }
        }
        catch (InvalidOperationException e)
        {
            throw new CheckpointException($"{path}: corrupt safetensors header ({e.Message})");
        }
        // Two tensors may not share bytes (bounds alone would let one tensor's data be read as another's).
        var ordered = entries.Values.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        for (int i = 1; i < ordered.Count; i++)
            if (ordered[i].Begin < ordered[i - 1].End)
                throw new CheckpointException(
                    $"{path}: tensors '{ordered[i - 1].Name}' (bytes {ordered[i - 1].Begin}–{ordered[i - 1].End}) "
                        + $"and '{ordered[i].Name}' (bytes {ordered[i].Begin}–{ordered[i].End}) overlap"
                );
        return new SafetensorsFile(path, entries, metadata, dataStart);
    }

    static SafetensorsEntry ParseEntry(string path, JsonProperty property)
    {
        try
        {
            var v = property.Value;
            var dtype = v.GetProperty("dtype").GetString() ?? "";
            var shape = v.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = v.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (offsets.Length != 2)
                throw new CheckpointException(
                    $"{path}: tensor '{property.Name}' has {offsets.Length} data offsets, expected 2"
                );
            return new SafetensorsEntry(property.Name, dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"{path}: corrupt safetensors header entry '{property.Name}' ({e.Message})");
        }
    }

    static long DTypeSize(string path, SafetensorsEntry e) =>
        e.DType switch
        {
            "F64" or "I64" => 8,
            "F32" or "I32" => 4,
            "F16" or "BF16" or "I16" => 2,
            "I8" or "U8" or "BOOL" => 1,
            _ => throw new CheckpointException(
                $"{path}: tensor '{e.Name}' has unsupported dtype {e.DType} (supported: F64, F32, F16, BF16, I64, "
                    + $"I32, I16, I8, U8, BOOL)"
            ),
        };

    static ScalarType ScalarTypeOf(string dtype) =>
        dtype switch
        {
            "F64" => ScalarType.Float64,
            "F32" => ScalarType.Float32,
            "F16" => ScalarType.Float16,
            "BF16" => ScalarType.BFloat16,
            "I64" => ScalarType.Int64,
            "I32" => ScalarType.Int32,
            "I16" => ScalarType.Int16,
            "I8" => ScalarType.Int8,
            "U8" => ScalarType.Byte,
            "BOOL" => ScalarType.Bool,
            _ => throw new ArgumentException(dtype),
        };

    /// <summary>Reads one tensor in its stored dtype, on the CPU.</summary>
    public Tensor Read(string name)
    {
        if (!Entries.TryGetValue(name, out var e))
            throw new CheckpointException($"{Path}: no tensor named '{name}'");
        var t = torch.empty(e.Shape, ScalarTypeOf(e.DType));
        ReadBytes(e, t);
        return t;
    }

    /// <summary>
    /// Reads the tensor straight into <paramref name="destination"/> (a parameter) when it is a contiguous CPU tensor
    /// of the stored dtype and size, with no intermediate copy; false (nothing read) otherwise.
    /// </summary>
    public bool TryReadInto(string name, Tensor destination)
    {
        if (!Entries.TryGetValue(name, out var e))
            throw new CheckpointException($"{Path}: no tensor named '{name}'");
        if (
            destination.device_type != DeviceType.CPU
            || !destination.is_contiguous()
            || destination.dtype != ScalarTypeOf(e.DType)
            || destination.NumberOfElements * destination.ElementSize != e.End - e.Begin
        )
            return false;
        ReadBytes(e, destination);
        return true;
    }

    /// <summary>File bytes into a contiguous CPU tensor's memory, in pieces of at most 1 GiB (a span's length is an
    /// int).</summary>
    void ReadBytes(SafetensorsEntry e, Tensor destination)
    {
        using var stream = File.OpenRead(Path);
        stream.Seek(_dataStart + e.Begin, SeekOrigin.Begin);
        using var flat = destination.view(-1);
        long perPiece = Math.Max(1, (1L << 30) / destination.ElementSize),
            count = flat.shape[0];
        for (long start = 0; start < count; start += perPiece)
        {
            using var piece = flat[TensorIndex.Slice(start, Math.Min(count, start + perPiece))];
            stream.ReadExactly(piece.bytes);
        }
    }

    /// <summary>Reads every tensor (small files: fixtures, references).</summary>
    public Dictionary<string, Tensor> ReadAll() => Entries.Keys.ToDictionary(k => k, Read);
}

/// <summary>A checkpoint or reference file that cannot be used as it is; the message names the file and
/// tensor.</summary>
public sealed class CheckpointException(string message) : DknInputException(message);
