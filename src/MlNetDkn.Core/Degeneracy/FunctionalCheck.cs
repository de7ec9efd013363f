using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>How one candidate cluster fared: its drop when suppressed alone (aggregated over the checked prompts;
/// null when it was not tested) and whether it became a component.</summary>
public sealed record ClusterVerdict(IReadOnlyList<Neuron> Cluster, double? RelativeDrop, bool IsComponent);

/// <summary>The check on one prompt: its baseline, each tested cluster's drop, the worst proper subset and the whole
/// set.</summary>
public sealed record PromptCheck(
    int PromptIndex,
    double BaselineProbability,
    double BaselineValue,
    IReadOnlyList<double?> ClusterDrops,
    double? WorstProperSubsetDrop,
    double? JointDrop
);

/// <summary>
/// Result of the functional check. <see cref="Dkn"/> is the accepted list of base degenerate components (empty when
/// rejected, with the reason in <see cref="Rejection"/>); <see cref="JointDrop"/> is the drop with all components
/// suppressed together and <see cref="WorstProperSubsetDrop"/> the largest drop of a proper subset (both aggregated
/// over the checked prompts, in the check's measure; null when not probed). <see cref="Evaluation"/> holds the
/// relative P changes of the subsets on the first prompt when the strict check measured them.
/// </summary>
public sealed record FunctionalCheckResult(
    double BaselineProbability,
    IReadOnlyList<ClusterVerdict> Clusters,
    IReadOnlyList<IReadOnlyList<Neuron>> Dkn,
    double? JointDrop,
    double? WorstProperSubsetDrop = null,
    IReadOnlyList<PromptCheck>? PerPrompt = null,
    DegeneracyEvaluation? Evaluation = null,
    string? Rejection = null,
    IReadOnlyList<IReadOnlyList<Neuron>>? Insufficient = null
)
{
    /// <summary>True when the check accepted the candidates: <see cref="Dkn"/> holds at least one component.</summary>
    public bool IsDkn => Dkn.Count > 0;
}

/// <summary>
/// From candidate clusters to a DKN by suppression (method.md §3.3; strict mode is the definition, §3.8): on each
/// checked prompt, every cluster alone; then every proper subset of the components and the whole set. All
/// suppressions of one prompt go to its probe in two batched calls.
/// </summary>
public static class FunctionalCheck
{
    /// <summary>The check on a single prompt (see the overload for several prompts).</summary>
    public static FunctionalCheckResult Run(
        IReadOnlyList<IReadOnlyList<Neuron>> clusters,
        IAnswerProbe probe,
        FunctionalCheckOptions options
    ) => Run(clusters, [probe], options);

    /// <param name="probes">One probe per checked prompt, the fact's first prompt first.</param>
    public static FunctionalCheckResult Run(
        IReadOnlyList<IReadOnlyList<Neuron>> clusters,
        IReadOnlyList<IAnswerProbe> probes,
        FunctionalCheckOptions options
    )
    {
        options.Validate();
        if (probes.Count == 0)
            throw new ArgumentException("the functional check needs at least one probe", nameof(probes));
        foreach (var p in probes)
            if (CheckMeasures.Undefined(options.Measure, p.Baseline) is { } why)
                throw new DknInputException(why);
        double p0 = probes[0].BaselineProbability();
        if (clusters.Count <= options.MaxClustersForEmpty)
            return new(
                p0,
                clusters.Select(c => new ClusterVerdict(c, null, false)).ToArray(),
                [],
                null,
                Rejection: $"{Rejections.TooFewCandidates}: {clusters.Count} candidate cluster(s), at least "
                    + $"{options.MaxClustersForEmpty + 1} are needed"
            );

        var tested = clusters.Where(c => c.Count > 0 && !(options.SkipSingletons && c.Count == 1)).ToArray();
        // Per prompt: every tested cluster alone (one batch).
        var singles = probes
            .Select(p =>
                Drops(p, tested.Select(c => (IReadOnlyCollection<Neuron>)c.ToArray()).ToList(), options.Measure)
            )
            .ToArray();
        var aggregated = Enumerable
            .Range(0, tested.Length)
            .Select(i => Aggregate(singles.Select(s => s[i]), options.Aggregation, worstIsHigh: true))
            .ToArray();
        bool Dispensable(double d) => d < options.TLow && (options.AcceptNegativeDrops || d > -options.TLow);
        var dropOf = new Dictionary<IReadOnlyList<Neuron>, double>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < tested.Length; i++)
            dropOf[tested[i]] = aggregated[i];
        var verdicts = clusters
            .Select(c =>
                dropOf.TryGetValue(c, out var d)
                    ? new ClusterVerdict(c, d, Dispensable(d))
                    : new ClusterVerdict(c, null, false)
            )
            .ToArray();
        var components = verdicts.Where(v => v.IsComponent).Select(v => v.Cluster).ToArray();
        PromptCheck[] PerPrompt(double?[]? worst = null, double?[]? joint = null) =>
            probes
                .Select(
                    (p, k) =>
                        new PromptCheck(
                            k,
                            p.BaselineProbability(),
                            CheckMeasures.Value(options.Measure, p.Baseline),
                            clusters.Select(c => Index(tested, c) is int i ? (double?)singles[k][i] : null).ToArray(),
                            worst?[k],
                            joint?[k]
                        )
                )
                .ToArray();

        if (!options.Strict)
        {
            // The authors' code reports a single dispensable cluster as a DKN; a DKN needs two components, so it is not
            // one here.
            if (components.Length == 1)
                return new(
                    p0,
                    verdicts,
                    [],
                    null,
                    PerPrompt: PerPrompt(),
                    Rejection: $"{Rejections.SingleComponent}: one dispensable cluster; a DKN needs at least two "
                        + $"(the authors' code reports it as one)"
                );
            return new(
                p0,
                verdicts,
                components,
                null,
                PerPrompt: PerPrompt(),
                Rejection: components.Length == 0
                    ? $"{Rejections.NoneDispensable}: no cluster is dispensable on its own"
                    : null
            );
        }
        if (components.Length < Math.Max(1, options.MinComponents))
            return new(
                p0,
                verdicts,
                [],
                null,
                PerPrompt: PerPrompt(),
                Rejection: $"{Rejections.TooFewDispensable}: {components.Length} dispensable cluster(s), a DKN "
                    + $"needs at least {options.MinComponents}"
            );

        // Components that cannot carry the fact alone are not base degenerate components: drop them, round by round.
        var insufficient = new List<IReadOnlyList<Neuron>>();
        while (options.RequireSufficient && components.Length >= Math.Max(2, options.MinComponents))
        {
            var others = components
                .Select(c =>
                    (IReadOnlyCollection<Neuron>)Suppression.Union(components.Where(o => !ReferenceEquals(o, c)))
                )
                .ToList();
            var alone = probes.Select(p => Drops(p, others, options.Measure)).ToArray();
            var keep = components
                .Where(
                    (c, i) => Dispensable(Aggregate(alone.Select(a => a[i]), options.Aggregation, worstIsHigh: true))
                )
                .ToArray();
            if (keep.Length == components.Length)
                break;
            insufficient.AddRange(components.Except(keep));
            components = keep;
        }
        if (components.Length < Math.Max(1, options.MinComponents))
            return new(
                p0,
                verdicts,
                [],
                null,
                PerPrompt: PerPrompt(),
                Insufficient: insufficient,
                Rejection: $"{Rejections.TooFewSufficient}: {components.Length} component(s) can carry the fact "
                    + $"alone ({insufficient.Count} dispensable cluster(s) cannot), a DKN needs at least "
                    + $"{options.MinComponents}"
            );

        // Every proper subset of the components and the whole set, per prompt (one batch).
        int n = components.Length;
        var subsets =
            !options.ProperSubsets ? Enumerable.Range(0, n).Select(i => new[] { i }).ToArray()
            : n <= options.ExhaustiveLimit ? SubsetPlan.All(n)
            : SubsetPlan.Sampled(n, options.SamplesPerSize, options.SubsetSeed);
        var sets = subsets
            .Select(s => (IReadOnlyCollection<Neuron>)Suppression.Union(s.Select(i => components[i])))
            .ToList();
        sets.Add(Suppression.Union(components));
        var scores = probes.Select(p => p.Score(sets.Select(ProbeConfiguration.Suppress).ToArray())).ToArray();
        var drops = probes
            .Select((p, k) => scores[k].Select(s => CheckMeasures.Drop(options.Measure, p.Baseline, s)).ToArray())
            .ToArray();
        var worstPerPrompt = drops.Select(d => d.Length > 1 ? d[..^1].Max() : double.NegativeInfinity).ToArray();
        var jointPerPrompt = drops.Select(d => d[^1]).ToArray();
        double worst = Aggregate(worstPerPrompt, options.Aggregation, worstIsHigh: true);
        double joint = Aggregate(jointPerPrompt, options.Aggregation, worstIsHigh: false);
        var evaluation = new DegeneracyEvaluation(
            n,
            p0,
            subsets.Select((s, i) => new SubsetDrop(s, s.Length, (p0 - scores[0][i].Probability) / p0)).ToArray(),
            (p0 - scores[0][^1].Probability) / p0,
            Exhaustive: n <= options.ExhaustiveLimit
        );
        var perPrompt = PerPrompt(
            worstPerPrompt.Select(w => (double?)w).ToArray(),
            jointPerPrompt.Select(j => (double?)j).ToArray()
        );

        string? rejection = null;
        if (!Dispensable(worst))
        {
            int k = Array.IndexOf(worstPerPrompt, worstPerPrompt.Max());
            int s = Array.IndexOf(drops[k], worstPerPrompt[k]);
            rejection =
                $"{Rejections.ProperSubsetNecessary}: suppressing components {{{string.Join(",", subsets[s])}}} of "
                + $"{n} drops the {Name(options.Measure)} by {worstPerPrompt[k]:0.###} on prompt {k} (needs < "
                + $"{options.TLow})";
        }
        else if (!(joint > options.THigh))
            rejection =
                $"{Rejections.WholeSetDispensable}: suppressing all {n} components drops the "
                + $"{Name(options.Measure)} by {joint:0.###} (needs > {options.THigh})";
        return new(
            p0,
            verdicts,
            rejection is null ? components : [],
            joint,
            worst,
            perPrompt,
            evaluation,
            rejection,
            insufficient
        );
    }

    /// <summary>The kinds of rejection, each the prefix (before ':') of a rejection's text.</summary>
    public static class Rejections
    {
        /// <summary>
        /// Rejection kind: too few candidate clusters to test (at most the options' MaxClustersForEmpty).
        /// </summary>
        public const string TooFewCandidates = "too-few-candidates";

        /// <summary>Rejection kind (lenient check): no cluster is dispensable on its own.</summary>
        public const string NoneDispensable = "no-dispensable-cluster";

        /// <summary>
        /// Rejection kind (lenient check): exactly one cluster is dispensable; a DKN needs two components.
        /// </summary>
        public const string SingleComponent = "single-component";

        /// <summary>
        /// Rejection kind (strict check): fewer dispensable clusters than the options' MinComponents.
        /// </summary>
        public const string TooFewDispensable = "too-few-dispensable";

        /// <summary>Rejection kind (strict check): too few dispensable clusters can carry the fact alone.</summary>
        public const string TooFewSufficient = "too-few-sufficient";

        /// <summary>
        /// Rejection kind (strict check): suppressing some proper subset of the components drops the measure by t_low
        /// or more.
        /// </summary>
        public const string ProperSubsetNecessary = "proper-subset-necessary";

        /// <summary>
        /// Rejection kind (strict check): suppressing all components together does not drop the measure by more than
        /// t_high.
        /// </summary>
        public const string WholeSetDispensable = "whole-set-dispensable";

        /// <summary>The kind of a rejection text.</summary>
        public static string KindOf(string rejection)
        {
            int cut = rejection.IndexOf(':');
            return cut > 0 ? rejection[..cut] : rejection;
        }
    }

    static string Name(CheckMeasure m) =>
        m switch
        {
            CheckMeasure.Probability => "relative P(answer)",
            CheckMeasure.LogProbability => "log P(answer) (nats)",
            _ => "relative logit margin",
        };

    static int? Index(IReadOnlyList<IReadOnlyList<Neuron>> tested, IReadOnlyList<Neuron> cluster)
    {
        for (int i = 0; i < tested.Count; i++)
            if (ReferenceEquals(tested[i], cluster))
                return i;
        return null;
    }

    static double[] Drops(IAnswerProbe probe, IReadOnlyList<IReadOnlyCollection<Neuron>> sets, CheckMeasure measure) =>
        sets.Count == 0
            ? []
            : probe
                .Score(sets.Select(ProbeConfiguration.Suppress).ToArray())
                .Select(s => CheckMeasures.Drop(measure, probe.Baseline, s))
                .ToArray();

    /// <summary>All: the worst prompt (highest drop for "must stay low", lowest for "must be high"); Mean: the
    /// mean.</summary>
    static double Aggregate(IEnumerable<double> perPrompt, PromptAggregation aggregation, bool worstIsHigh)
    {
        var values = perPrompt.ToArray();
        return aggregation == PromptAggregation.Mean ? values.Average()
            : worstIsHigh ? values.Max()
            : values.Min();
    }
}
