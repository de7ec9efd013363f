namespace MlNetDkn.ML.Internal;

/// <summary>
/// Process-wide, reference-counted resources keyed by a string (a loaded model, an open result store). Two fitted
/// stages over the same model share one copy, and two over the same store share one open file: a store file can only
/// be opened for appending once. The last lease disposes the resource.
/// </summary>
internal static class SharedResources
{
    sealed class Entry(object value)
    {
        public object Value = value;
        public int Count;
    }

    static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal);

    public static Lease<T> Acquire<T>(string key, Func<T> create)
        where T : class, IDisposable
    {
        lock (Entries)
        {
            if (!Entries.TryGetValue(key, out var entry))
                Entries[key] = entry = new Entry(create());
            entry.Count++;
            return new Lease<T>(key, (T)entry.Value);
        }
    }

    /// <summary>Number of live resources (tests use it to check that everything was released).</summary>
    public static int LiveCount
    {
        get
        {
            lock (Entries)
                return Entries.Count;
        }
    }

    internal static void Release(string key)
    {
        IDisposable? toDispose = null;
        lock (Entries)
        {
            if (!Entries.TryGetValue(key, out var entry))
                return;
            if (--entry.Count == 0)
            {
                Entries.Remove(key);
                toDispose = (IDisposable)entry.Value;
            }
        }
        toDispose?.Dispose();
    }
}

/// <summary>One holder's claim on a shared resource; dispose it exactly once.</summary>
internal sealed class Lease<T>(string key, T value) : IDisposable
    where T : class
{
    int _released;
    public T Value { get; } = value;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
            SharedResources.Release(key);
    }
}

/// <summary>Serialises all heavy work (TorchSharp models and stores are not thread-safe; 2 cores gain
/// nothing).</summary>
internal static class HeavyWork
{
    public static readonly object Gate = new();
}
