namespace MlNetDkn;

/// <summary>
/// Input/output failures of the machine (disk full, a file past the size limit, no permission, a read-only or
/// removed folder), as opposed to bad input: what they are, and a message that names the file involved.
/// </summary>
public static class MachineIo
{
    /// <summary>True for a failure of the machine's storage. .NET reports a write past the file-size limit (EFBIG:
    /// a full quota, `ulimit -f`) as an ArgumentOutOfRangeException from System.IO, not as an IOException.</summary>
    public static bool IsFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException
        || (
            e is ArgumentOutOfRangeException
            && e.StackTrace is { } trace
            && (
                trace.Contains(" System.IO.", StringComparison.Ordinal)
                || trace.Contains("SafeFileHandle", StringComparison.Ordinal)
            )
        );

    /// <summary>Runs a write; a machine failure comes out as an IOException whose message starts with the
    /// path.</summary>
    public static void Write(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (IsFailure(e) && !e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"{path}: {e.Message.Split('\n', 2)[0].Trim()}", e);
        }
    }
}
