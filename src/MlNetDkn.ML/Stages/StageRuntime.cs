using Microsoft.ML.Runtime;

namespace MlNetDkn.ML.Stages;

/// <summary>Progress of a stage over facts: the fact just finished and how many were computed or found
/// stored.</summary>
/// <param name="Stage">The stage's name (e.g. "AttributeKnowledgeNeurons").</param>
/// <param name="Reused">True when the fact's result came from the store or the stage's memory instead of being
/// computed.</param>
public readonly record struct FactStageProgress(string Stage, string FactId, int Computed, int Reused, bool WasReused);

/// <summary>
/// What a running stage reports to and listens to: per-fact progress, a cancellation token (checked before every
/// fact; finished facts stay stored) and ML.NET's log (one message per fact on the MLContext's Log event). None of it
/// is saved with a pipeline; set it again after loading.
/// </summary>
public sealed class StageRuntime
{
    /// <summary>Receives one report per fact; null for none.</summary>
    public IProgress<FactStageProgress>? Progress { get; set; }

    /// <summary>Checked before every fact; a cancelled stage throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }
    internal IChannel? Channel { get; set; }

    internal static StageRuntime For(
        IChannelProvider? context,
        string stage,
        IProgress<FactStageProgress>? progress,
        CancellationToken token
    ) =>
        new()
        {
            Progress = progress,
            CancellationToken = token,
            Channel = context?.Start(stage),
        };
}
