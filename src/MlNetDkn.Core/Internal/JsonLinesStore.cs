using System.Text.Json;

namespace MlNetDkn;

/// <summary>
/// Append-only store of results, one JSON line each, flushed to disk before the next result starts: a killed run
/// loses at most the item in flight, and a rerun recomputes nothing it finished. A torn last line left by a kill is
/// ignored on reading and overwritten by the next append; a damaged line before the last is refused (exit 2) naming
/// the file and line. A lock is held while the store is open, so
/// a second process writing the same store stops with a clear error instead of losing lines (a lock file beside it;
/// readers may still read the store).
/// </summary>
public class JsonLinesStore<T> : IDisposable
    where T : class
{
    // Results may hold NaN (an undefined measure) or ±Infinity (log 0): written as "NaN", "Infinity", "-Infinity".
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    readonly Dictionary<string, T> _entries = new(StringComparer.Ordinal);
    readonly Func<T, string> _key;
    readonly FileStream _stream;
    readonly FileLock _lock;

    /// <summary>The store's file path.</summary>
    public string Path { get; }

    /// <summary>Distinct keys held (loaded and added).</summary>
    public int Count => _entries.Count;

    /// <summary>Entries found on disk when the store was opened.</summary>
    public int LoadedCount { get; }

    /// <summary>Opens (or creates) the store at <paramref name="path"/>, taking its lock and loading every complete
    /// line; throws <see cref="DknInputException"/> when another process holds the lock.</summary>
    /// <param name="key">The key of an entry; a later line with the same key replaces an earlier one.</param>
    public JsonLinesStore(string path, Func<T, string> key)
    {
        _key = key;
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        // One writer at a time (a second process would interleave its lines with ours); readers may look.
        _lock = FileLock.TryAcquire(path + ".lock")
            ?? throw new DknInputException(
                $"{path}: the result store is in use by another dkn process; wait for it or write to another folder"
            );
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        long validLength;
        try
        {
            validLength = Load(key);
        }
        catch
        {
            _stream.Dispose();
            _lock.Dispose();
            throw;
        }
        LoadedCount = _entries.Count;
        _stream.SetLength(validLength);
        _stream.Seek(validLength, SeekOrigin.Begin);
    }

    /// <summary>Loads every line; returns the length to keep. Only the last line may be damaged (a kill during its
    /// write): it is dropped. A damaged line before it is not what this store writes, and is refused.</summary>
    long Load(Func<T, string> key)
    {
        if (_stream.Length == 0)
            return 0;
        var bytes = new byte[_stream.Length];
        _stream.ReadExactly(bytes);
        int start = 0,
            line = 0;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            line++;
            bool last = end < 0 || end == bytes.Length - 1;
            // An unterminated tail is a line whose write was cut off, whatever it holds.
            if (end < 0)
                return start;
            if (TryParse(bytes.AsSpan(start, end - start), out var entry))
                _entries[key(entry!)] = entry!;
            else if (last)
                return start;
            else
                throw new DknInputException(
                    $"{Path}: line {line} is not a stored result, and lines follow it (a damaged store, not a run "
                        + "cut off while writing): remove the file to recompute its results, or restore it"
                );
            start = end + 1;
        }
        return start;
    }

    static bool TryParse(ReadOnlySpan<byte> line, out T? entry)
    {
        entry = null;
        try
        {
            entry = JsonSerializer.Deserialize<T>(line, Json);
        }
        catch (JsonException) { }
        return entry is not null;
    }

    /// <summary>The entry stored under <paramref name="key"/>, if any.</summary>
    public bool TryGet(string key, out T entry) => _entries.TryGetValue(key, out entry!);

    /// <summary>Appends the entry as one line, flushed to disk before returning, and indexes it under its
    /// key.</summary>
    public void Add(T entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, Json);
        MachineIo.Write(Path, () =>
        {
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _stream.Flush(flushToDisk: true);
        });
        _entries[_key(entry)] = entry;
    }

    /// <summary>Every entry, one per key.</summary>
    public IEnumerable<T> Entries => _entries.Values;

    /// <summary>Closes the file and releases the lock.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        _lock.Dispose();
    }
}
