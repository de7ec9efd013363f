using System.Security.Cryptography;
using System.Text;

namespace MlNetDkn;

/// <summary>Content hashes used as cache keys and in run manifests.</summary>
public static class ContentHashing
{
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> Reused = new(
        StringComparer.Ordinal
    );

    /// <param name="reuse">Return the hash this process computed for the same files with the same sizes and write
    /// times (a multi-GB checkpoint is hashed once per run, not once per step); false reads the files again.</param>
    public static string Sha256OfFiles(IEnumerable<string> files, bool reuse = false)
    {
        var list = files.ToList();
        return reuse ? Sha256OfFilesInBackground(list).GetAwaiter().GetResult() : Hash(list);
    }

    /// <summary>
    /// Starts hashing on a pool thread (or returns the hash this process has computed or is computing for the same
    /// files, sizes and write times), so reading a checkpoint for its hash overlaps loading it on the other core.
    /// </summary>
    public static Task<string> Sha256OfFilesInBackground(IEnumerable<string> files)
    {
        var list = files.ToList();
        var key = string.Join(
            "\u001f",
            list.Select(f => new FileInfo(f)).Select(f => $"{f.FullName}|{f.Length}|{f.LastWriteTimeUtc.Ticks}")
        );
        var started = Reused.GetOrAdd(key, _ => new Lazy<Task<string>>(() => Task.Run(() => Hash(list))));
        if (started.Value.IsFaulted)
            Reused.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(key, started)); // a failed read is retried
        return started.Value;
    }

    static string Hash(IReadOnlyList<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\0"));
            using var stream = File.OpenRead(file);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                sha.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>SHA-256 of the text's UTF-8 bytes, as 64 lower-case hex digits.</summary>
    public static string Sha256OfText(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
