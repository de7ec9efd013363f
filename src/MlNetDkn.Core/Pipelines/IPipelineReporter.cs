namespace MlNetDkn.Pipelines;

/// <summary>Progress of a long piece of work inside a step: units done out of a total, and a short status
/// line.</summary>
/// <param name="Milestone">True when the status carries a result worth a line of its own in plain logs (an
/// evaluation).</param>
public sealed record StepProgress(double Done, double Total, string Status, bool Milestone = false);

/// <summary>How steps talk to the user; the CLI renders it with Spectre.Console, tests collect it.</summary>
public interface IPipelineReporter
{
    /// <summary>A line of information (what a step wrote, a summary).</summary>
    void Info(string message);

    /// <summary>Runs <paramref name="work"/> while showing its progress under <paramref name="title"/>.</summary>
    T Track<T>(string title, Func<IProgress<StepProgress>, T> work);
}

/// <summary>Writes info lines to a TextWriter (or nowhere) and ignores progress.</summary>
public sealed class TextPipelineReporter(TextWriter? writer = null) : IPipelineReporter
{
    /// <summary>Every info line received so far, in order (also when no writer was given).</summary>
    public List<string> Messages { get; } = [];

    /// <inheritdoc/>
    public void Info(string message)
    {
        Messages.Add(message);
        writer?.WriteLine(message);
    }

    /// <summary>Runs <paramref name="work"/> with a progress sink that discards every report.</summary>
    public T Track<T>(string title, Func<IProgress<StepProgress>, T> work) => work(new Progress<StepProgress>());
}
