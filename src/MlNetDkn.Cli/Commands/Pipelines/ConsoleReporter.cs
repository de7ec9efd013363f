using MlNetDkn.Pipelines;
using Spectre.Console;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>
/// Pipeline messages on stdout; progress as a Spectre progress bar on an interactive terminal, else as a plain line
/// for every milestone (an evaluation) and every further tenth of the work (logs stay readable).
/// </summary>
internal sealed class ConsoleReporter : IPipelineReporter
{
    public void Info(string message) => Console.Out.WriteLine(message);

    public T Track<T>(string title, Func<IProgress<StepProgress>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return work(new PlainProgress(title));
        T result = default!;
        int room = DescriptionWidth(AnsiConsole.Profile.Width);
        AnsiConsole
            .Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn { Width = BarWidth },
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn()
            )
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(Fit(title, room)));
                result = work(
                    new SyncProgress<StepProgress>(p =>
                    {
                        task.MaxValue = Math.Max(p.Total, 1);
                        task.Value = p.Done;
                        task.Description = Markup.Escape(Fit($"{title}: {p.Status}", room));
                    })
                );
                task.Value = task.MaxValue;
            });
        return result;
    }

    const int BarWidth = 20;

    /// <summary>Room for the description on one line of a terminal this wide: the bar, percentage, elapsed and
    /// remaining time take the rest (about 47 columns with their gaps).</summary>
    internal static int DescriptionWidth(int terminalWidth) => Math.Max(12, terminalWidth - BarWidth - 28);

    /// <summary>The text cut to <paramref name="width"/> characters with an ellipsis, so a bar never wraps.</summary>
    internal static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    sealed class PlainProgress(string title) : IProgress<StepProgress>
    {
        int _lastTenth;

        public void Report(StepProgress p)
        {
            int tenth = p.Total > 0 ? (int)(10 * p.Done / p.Total) : 0;
            if (!p.Milestone && tenth == _lastTenth)
                return;
            _lastTenth = tenth;
            Console.Out.WriteLine($"  {title}: {p.Status}");
        }
    }
}
