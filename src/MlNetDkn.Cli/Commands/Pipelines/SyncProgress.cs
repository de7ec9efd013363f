namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>An IProgress that calls back on the reporting thread (System.Progress posts to the thread pool,
/// which would reorder and delay console updates).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
