using Spectre.Console.Cli;

namespace MlNetDkn.Cli;

/// <summary>
/// The one place that turns an exception into the command's exit code and its one line on stderr: 2 for bad input
/// (a file, option or value the user gave), 3 for an input/output failure of the machine (disk full, a file too
/// large, no permission, a read-only or vanished folder), 130 when cancelled, 1 only for a bug.
/// </summary>
public static class ExitCodes
{
    public const int Bug = 1;
    public const int BadInput = 2;
    public const int IoFailure = 3;
    public const int Cancelled = 130;

    /// <summary>The exit code and the message (without "error: ") for an exception reaching the top level.</summary>
    /// <param name="flagError">Names the flag of a parser conversion error; null when the message is another.</param>
    public static (int Code, string Message) Classify(Exception exception, Func<string, string?>? flagError = null)
    {
        // Wrappers (reflection, type initialisers, tasks, ML.NET's channels) hide the cause: the innermost exception
        // of a known kind decides, wherever it is in the chain.
        var cause = Cause(exception);
        switch (cause)
        {
            case OperationCanceledException:
                return (
                    Cancelled,
                    "cancelled: everything finished so far is stored; run the same command again to resume"
                );
            case DknInputException or CommandAppException:
                return (BadInput, flagError?.Invoke(cause.Message) ?? OneLine(cause.Message));
            case var io when MachineIo.IsFailure(io):
                return (
                    IoFailure,
                    $"{OneLine(cause.Message)} (an input/output failure of this machine: disk full, "
                        + "file too large, permissions, a read-only or removed folder?)"
                );
            case OutOfMemoryException:
                return (IoFailure, "out of memory: use a smaller batch, a reduced dtype or a machine with more memory");
            // libtorch's messages carry a C++ backtrace after their first line: the line is the message.
            case System.Runtime.InteropServices.ExternalException:
                return (Bug, $"libtorch: {FirstLine(cause.Message)}");
            default:
                return (Bug, flagError?.Invoke(cause.Message) ?? $"{cause.GetType().Name}: {FirstLine(cause.Message)}");
        }
    }

    static Exception Cause(Exception exception)
    {
        for (var e = exception; e != null; e = e.InnerException)
            if (
                e is OperationCanceledException or DknInputException or CommandAppException or OutOfMemoryException
                || MachineIo.IsFailure(e)
            )
                return e;
        var last = exception;
        while (last.InnerException != null)
            last = last.InnerException;
        return last;
    }

    static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>A message as one line: any line breaks inside it become "; ".</summary>
    static string OneLine(string text) =>
        string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
