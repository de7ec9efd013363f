using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>How one candidate cluster fared: its relative drop when suppressed alone (null when it was not tested).</summary>
public sealed record ClusterVerdict(IReadOnlyList<Neuron> Cluster, double? RelativeDrop, bool IsComponent);

/// <summary>
/// Result of the functional check. <see cref="Dkn"/> is the accepted list of base degenerate components (empty when
/// rejected); <see cref="JointDrop"/> is the drop with all passing clusters suppressed together (null when not probed).
/// </summary>
public sealed record FunctionalCheckResult(
    double BaselineProbability,
    IReadOnlyList<ClusterVerdict> Clusters,
    IReadOnlyList<IReadOnlyList<Neuron>> Dkn,
    double? JointDrop)
{
    public bool IsDkn => Dkn.Count > 0;
}

/// <summary>From candidate clusters to a DKN by suppression (method.md §3.3; strict mode adds §3.8 (b)).</summary>
public static class FunctionalCheck
{
    public static FunctionalCheckResult Run(IReadOnlyList<IReadOnlyList<Neuron>> clusters, IAnswerProbe probe, FunctionalCheckOptions options)
    {
        if (clusters.Count <= options.MaxClustersForEmpty)
            return new(probe.BaselineProbability(), clusters.Select(c => new ClusterVerdict(c, null, false)).ToArray(), [], null);

        var tested = clusters.Where(c => c.Count > 0 && !(options.SkipSingletons && c.Count == 1)).ToArray();
        // One batch: every tested cluster alone and, in strict mode, the union of all of them (the likely joint set).
        var sets = tested.Select(c => (IReadOnlyCollection<Neuron>)c.ToArray()).ToList();
        if (options.Strict && tested.Length > 1) sets.Add(Suppression.Union(tested));
        var drops = Suppression.RelativeDrops(probe, sets);

        var dropOf = new Dictionary<IReadOnlyList<Neuron>, double>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < tested.Length; i++) dropOf[tested[i]] = drops[i];
        bool Passes(double d) => d < options.TLow && (options.AcceptNegativeDrops || d > -options.TLow);
        var verdicts = clusters.Select(c => dropOf.TryGetValue(c, out var d)
            ? new ClusterVerdict(c, d, Passes(d)) : new ClusterVerdict(c, null, false)).ToArray();
        var components = verdicts.Where(v => v.IsComponent).Select(v => v.Cluster).ToArray();
        double p0 = probe.BaselineProbability();

        if (!options.Strict) return new(p0, verdicts, components, null);
        if (components.Length < Math.Max(1, options.MinComponents)) return new(p0, verdicts, [], null);

        double joint = components.Length == tested.Length
            ? drops[^1]
            : Suppression.RelativeDrops(probe, [Suppression.Union(components)])[0];
        return new(p0, verdicts, joint > options.THigh ? components : [], joint);
    }
}
