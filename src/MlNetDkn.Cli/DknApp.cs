using Spectre.Console;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli;

/// <summary>The `dkn` command: one verb per stage of the flow. Each area registers its own verbs.</summary>
public static class DknApp
{
    public static int Run(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("dkn");
            Commands.CommandRegistry.RegisterAll(config);
            config.SetExceptionHandler((exception, _) => ReportError(exception));
        });
        try { return app.Run(args); }
        catch (Exception e) { return ReportError(e); }
    }

    /// <summary>One clear line on stderr, never a stack trace; exit code 2 for bad input, 1 otherwise.</summary>
    public static int ReportError(Exception exception)
    {
        var e = exception;
        while (e is TypeInitializationException or System.Reflection.TargetInvocationException or AggregateException && e.InnerException != null)
            e = e.InnerException!;
        var message = e is DknInputException or CommandAppException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        Console.Error.WriteLine($"error: {message}");
        return e is DknInputException or CommandAppException ? 2 : 1;
    }
}
