using MlNetDkn.Cli;

namespace MlNetDkn.Tests.Support;

/// <summary>Runs the `dkn` command in-process and captures its exit code, standard output and standard error.</summary>
public static class CliRunner
{
    static readonly object Gate = new();

    public static (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        lock (Gate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try
            {
                return (DknApp.Run(args), stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }
}
