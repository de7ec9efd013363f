using System.Text.Json;

namespace MlNetDkn;

/// <summary>
/// Append-only store of results, one JSON line each, flushed to disk before the next result starts: a killed run
/// loses at most the item in flight, and a rerun recomputes nothing it finished. A torn last line left by a kill is
/// ignored on reading and overwritten by the next append.
/// </summary>
public class JsonLinesStore<T> : IDisposable where T : class
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    readonly Dictionary<string, T> _entries = new(StringComparer.Ordinal);
    readonly Func<T, string> _key;
    readonly FileStream _stream;

    public string Path { get; }
    public int Count => _entries.Count;
    /// <summary>Entries found on disk when the store was opened.</summary>
    public int LoadedCount { get; }

    public JsonLinesStore(string path, Func<T, string> key)
    {
        _key = key;
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        long validLength = 0;
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            int start = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != (byte)'\n') continue;
                if (TryParse(bytes.AsSpan(start, i - start), out var entry)) _entries[key(entry!)] = entry!;
                start = i + 1;
                validLength = start;
            }
        }
        LoadedCount = _entries.Count;
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        _stream.SetLength(validLength);
        _stream.Seek(validLength, SeekOrigin.Begin);
    }

    static bool TryParse(ReadOnlySpan<byte> line, out T? entry)
    {
        entry = null;
        try { entry = JsonSerializer.Deserialize<T>(line, Json); }
        catch (JsonException) { }
        return entry is not null;
    }

    public bool TryGet(string key, out T entry) => _entries.TryGetValue(key, out entry!);

    public void Add(T entry)
    {
        _stream.Write(JsonSerializer.SerializeToUtf8Bytes(entry, Json));
        _stream.WriteByte((byte)'\n');
        _stream.Flush(flushToDisk: true);
        _entries[_key(entry)] = entry;
    }

    public IEnumerable<T> Entries => _entries.Values;

    public void Dispose() => _stream.Dispose();
}
