using Spectre.Console.Cli;

namespace MlNetDkn.Cli;

/// <summary>The `dkn` command: one verb per stage of the flow. Each area registers its own verbs.</summary>
public static class DknApp
{
    /// <summary>Exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = ExitCodes.Cancelled;

    /// <summary>The version of the packages and of this command (Directory.Build.props' Version), without the source
    /// revision the SDK appends after '+' (run manifests keep that).</summary>
    public static string Version => MlNetDkn.DknTool.Version.Split('+', 2)[0];

    /// <summary>`--version` anywhere before a `--` separator: on the root (`dkn --version`) and after any verb
    /// (`dkn run --version`), where Spectre's strict parsing would otherwise reject it as an unknown option.</summary>
    static bool AsksForVersion(string[] args) => args.TakeWhile(a => a != "--").Contains("--version");

    public static int Run(string[] args)
    {
        if (AsksForVersion(args))
        {
            try
            {
                Console.Out.WriteLine(Version);
            }
            catch (Exception e) when (MachineIo.IsFailure(e))
            {
                return ExitCodes.IoFailure;
            }
            return 0;
        }
        // Spectre's console is static: bind it to the current stdout (in-process callers redirect it per run).
        Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(
            new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Console.Out) }
        );
        using var cancellation = new CancellationTokenSource();
        // First Ctrl+C: stop after the current fact (finished work is stored, the manifest says "cancelled").
        // A second one ends the process at once.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancellation.IsCancellationRequested)
                return;
            e.Cancel = true;
            WriteError("stopping after the current item (Ctrl+C again to quit at once)");
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var app = new CommandApp();
            app.Configure(config =>
            {
                config.SetApplicationName("dkn");
                config.SetApplicationVersion(Version);
                config.ConfigureConsole(Spectre.Console.AnsiConsole.Console); // help and usage go to the same stdout
                config.UseStrictParsing();
                Commands.CommandRegistry.RegisterAll(config);
                config.SetExceptionHandler((exception, _) => ReportError(exception, args));
            });
            try
            {
                return app.Run(args, cancellation.Token);
            }
            catch (Exception e)
            {
                return ReportError(e, args);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// The command-line parser says only "Failed to convert 'abc' to Int32."; this names the flag the value was given
    /// to and what it expects, or returns null when the message is not that one.
    /// </summary>
    static string? FlagValueError(string message, IReadOnlyList<string>? args)
    {
        var match = System.Text.RegularExpressions.Regex.Match(
            message,
            @"^Failed to convert '(?<value>.*)' to (?<type>\w+)\.?$"
        );
        if (!match.Success || args is null)
            return null;
        string value = match.Groups["value"].Value,
            type = match.Groups["type"].Value;
        string expected = type switch
        {
            "Int32" or "Int64" => "a whole number",
            "Double" or "Single" => "a number",
            "Boolean" => "true or false",
            _ => $"a value of type {type}",
        };
        for (int i = 0; i < args.Count; i++)
        {
            if (
                args[i].StartsWith("--", StringComparison.Ordinal)
                && args[i].EndsWith("=" + value, StringComparison.Ordinal)
            )
                return $"{args[i][..args[i].IndexOf('=')]}: expected {expected}, got '{value}'";
            if (args[i] == value && i > 0 && args[i - 1].StartsWith('-'))
                return $"{args[i - 1]}: expected {expected}, got '{value}'";
        }
        return $"expected {expected}, got '{value}'";
    }

    /// <summary>One clear line on stderr, never a stack trace; the exit code of <see cref="ExitCodes.Classify"/>:
    /// 2 for bad input, 3 for an input/output failure of the machine, 130 when cancelled, 1 for a bug.</summary>
    public static int ReportError(Exception exception, IReadOnlyList<string>? args = null)
    {
        var (code, message) = ExitCodes.Classify(exception, m => FlagValueError(m, args));
        WriteError(code == ExitCodes.Cancelled ? message : $"error: {message}");
        return code;
    }

    /// <summary>A line on stderr, unless stderr itself cannot be written (a log file on a full disk or past the
    /// file-size limit): then the line is lost but the exit code still says what happened, where an exception here
    /// would end the process with SIGABRT.</summary>
    static void WriteError(string line)
    {
        try
        {
            Console.Error.WriteLine(line);
        }
        catch (Exception e) when (MachineIo.IsFailure(e)) { }
    }
}
