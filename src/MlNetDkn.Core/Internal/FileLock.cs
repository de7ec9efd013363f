namespace MlNetDkn;

/// <summary>
/// An exclusive lock held by an open lock file (an advisory flock on Unix, through .NET's FileShare.None), released
/// when disposed or when the process dies, so a crashed run never leaves a folder locked.
/// </summary>
public sealed class FileLock : IDisposable
{
    readonly FileStream _stream;

    FileLock(FileStream stream) => _stream = stream;

    /// <summary>The lock file's path (deleted when the lock is released).</summary>
    public string Path => _stream.Name;

    /// <summary>The lock, or null when another process holds it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        try
        {
            return new FileLock(
                new FileStream(
                    path,
                    FileMode.OpenOrCreate,
                    FileAccess.ReadWrite,
                    FileShare.None,
                    1,
                    FileOptions.DeleteOnClose
                )
            );
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits (polling) up to <paramref name="timeout"/> for the lock.</summary>
    public static FileLock Acquire(string path, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (TryAcquire(path) is { } held)
                return held;
            if (DateTime.UtcNow > deadline)
                throw new DknInputException(
                    $"{what} is still in use by another process after {timeout.TotalMinutes:0.#} min ({path})"
                );
            Thread.Sleep(200);
        }
    }

    /// <summary>Releases the lock and deletes the lock file.</summary>
    public void Dispose() => _stream.Dispose();
}
