using System.Text.Json;

namespace MlNetDkn.Attribution;

/// <summary>
/// Append-only store of prompt attributions (one JSON line each, flushed to disk before the next prompt starts), so a
/// killed run loses at most the prompt in flight and a rerun recomputes nothing it finished. A torn last line left by a
/// kill is ignored on reading and overwritten by the next append.
/// </summary>
public sealed class AttributionStore : IDisposable
{
    public const string FileName = "attributions.jsonl";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    readonly Dictionary<string, PromptAttribution> _entries = new(StringComparer.Ordinal);
    readonly FileStream _stream;

    public string Path { get; }
    public int Count => _entries.Count;
    /// <summary>Entries found on disk when the store was opened.</summary>
    public int LoadedCount { get; }

    public AttributionStore(string folder)
    {
        Directory.CreateDirectory(folder);
        Path = System.IO.Path.Combine(folder, FileName);
        long validLength = 0;
        if (File.Exists(Path))
        {
            var bytes = File.ReadAllBytes(Path);
            int start = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != (byte)'\n') continue;
                if (TryParse(bytes.AsSpan(start, i - start), out var entry)) _entries[entry!.Key] = entry;
                start = i + 1;
                validLength = start;
            }
        }
        LoadedCount = _entries.Count;
        _stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        _stream.SetLength(validLength);       // drop a torn trailing line
        _stream.Seek(validLength, SeekOrigin.Begin);
    }

    static bool TryParse(ReadOnlySpan<byte> line, out PromptAttribution? entry)
    {
        entry = null;
        try { entry = JsonSerializer.Deserialize<PromptAttribution>(line, Json); }
        catch (JsonException) { }
        return entry is not null;
    }

    public bool TryGet(string key, out PromptAttribution entry) => _entries.TryGetValue(key, out entry!);

    public void Add(PromptAttribution entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, Json);
        _stream.Write(line);
        _stream.WriteByte((byte)'\n');
        _stream.Flush(flushToDisk: true);
        _entries[entry.Key] = entry;
    }

    public IEnumerable<PromptAttribution> Entries => _entries.Values;

    public void Dispose() => _stream.Dispose();
}
