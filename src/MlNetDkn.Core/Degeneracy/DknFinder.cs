using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Modeling;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>One method's outcome for one fact: candidate clusters, the functional check, and the degeneracy
/// curve.</summary>
public sealed record DknMethodResult(
    ClusteringMethod Method,
    IReadOnlyList<IReadOnlyList<Neuron>> Candidates,
    FunctionalCheckResult Check,
    DegeneracyEvaluation? Evaluation
);

/// <summary>DKN acquisition for one fact: knowledge neurons, their structural graph (with how many pairs are really
/// connected) and each method's result.</summary>
public sealed record FactDknResult(
    string FactId,
    string Prompt,
    IReadOnlyList<Neuron> KnowledgeNeurons,
    StructuralGraph Graph,
    double BaselineProbability,
    IReadOnlyList<DknMethodResult> Methods,
    int FiniteEdges = 0
);

/// <summary>
/// Acquires degenerate knowledge neurons: structural graph over the fact's knowledge neurons, clustering by each
/// method, the functional (suppression) check on each checked prompt, then the subset-suppression curve of each DKN.
/// Every suppression goes through the given answer probes (one per checked prompt), which batch them.
/// </summary>
public static class DknFinder
{
    /// <summary>On a model, one prompt: its own neuron vectors and the batched prefix-cache probe.</summary>
    public static FactDknResult Find(
        CausalLm model,
        IReadOnlyList<long> prompt,
        IReadOnlyList<long> answer,
        IReadOnlyList<Neuron> knowledgeNeurons,
        DknOptions options,
        string factId = "",
        string promptText = ""
    )
    {
        CheckNeurons(model, knowledgeNeurons);
        using var probe = new PrefixCacheProbe(model, prompt, answer, options.Site);
        return Find(
            new ModelNeuronVectors(model),
            model.Config.Family,
            [probe],
            knowledgeNeurons,
            options,
            factId,
            promptText
        );
    }

    /// <summary>Checks every neuron's layer and index are non-negative and below the model's layer count and
    /// d_ff.</summary>
    /// <exception cref="DknInputException">A neuron is outside the model.</exception>
    public static void CheckNeurons(CausalLm model, IEnumerable<Neuron> neurons)
    {
        foreach (var n in neurons)
            if ((uint)n.Layer >= (uint)model.Config.NumLayers || (uint)n.Index >= (uint)model.Config.IntermediateSize)
                throw new DknInputException(
                    $"neuron {n} is outside the model ({model.Config.NumLayers} layers × "
                        + $"{model.Config.IntermediateSize} neurons)"
                );
    }

    /// <summary>From any neuron-vector source and any answer probes (the first is the fact's first prompt).</summary>
    public static FactDknResult Find(
        INeuronVectorSource vectors,
        ModelFamily family,
        IReadOnlyList<IAnswerProbe> probes,
        IReadOnlyList<Neuron> knowledgeNeurons,
        DknOptions options,
        string factId = "",
        string promptText = ""
    )
    {
        options.Validate();
        var graph = StructuralGraph.Build(knowledgeNeurons, vectors, options.GraphFor(family));
        int finite = graph.FiniteEdges(options.Ntc.FiniteThreshold);
        var baselineGraph =
            options.BaselineInput == BaselineInput.Raw ? graph : graph.WithFiniteFill(options.Ntc.FiniteThreshold);
        var checkedProbes = options.Check.Prompts > 0 ? probes.Take(options.Check.Prompts).ToArray() : probes;
        var methods = new List<DknMethodResult>();
        foreach (var method in options.Methods)
        {
            var candidates =
                knowledgeNeurons.Count < 2
                    ? []
                    : Cluster(method, graph, baselineGraph, knowledgeNeurons, checkedProbes, options, vectors);
            var check =
                method == ClusteringMethod.SrcPairs
                    ? PairsAsDkn(candidates, probes[0])
                    : FunctionalCheck.Run(candidates, checkedProbes, CheckFor(method, options.Check));
            var evaluation =
                !options.EvaluateDegeneracy || check.Dkn.Count < 2
                    ? null
                    : check.Evaluation ?? DegeneracyEvaluator.Evaluate(check.Dkn, probes[0], options.Evaluation);
            methods.Add(new DknMethodResult(method, candidates, check, evaluation));
        }
        return new FactDknResult(
            factId,
            promptText,
            knowledgeNeurons,
            graph,
            probes[0].BaselineProbability(),
            methods,
            finite
        );
    }

    /// <summary>Completion of functional components by joint attribution, where every probe can run it.</summary>
    static Func<IReadOnlyCollection<Neuron>, IReadOnlyList<Neuron>>? Completion(
        IReadOnlyList<IAnswerProbe> probes,
        DknOptions options
    )
    {
        if (!options.Functional.Complete || !probes.All(p => p is PrefixCacheProbe))
            return null;
        var prefix = probes.Cast<PrefixCacheProbe>().ToList();
        return suppressed =>
            Acquisition.KnockoutAttribution.Strongest(prefix, suppressed, options.Functional.Attribution);
    }

    /// <summary>Functional components may be single neurons (a component one neuron wide is still a
    /// component).</summary>
    static FunctionalCheckOptions CheckFor(ClusteringMethod method, FunctionalCheckOptions check) =>
        method == ClusteringMethod.Functional ? check with { SkipSingletons = false } : check;

    static IReadOnlyList<IReadOnlyList<Neuron>> Cluster(
        ClusteringMethod method,
        StructuralGraph graph,
        StructuralGraph? baselineGraph,
        IReadOnlyList<Neuron> neurons,
        IReadOnlyList<IAnswerProbe> probes,
        DknOptions options,
        INeuronVectorSource vectors
    ) =>
        method switch
        {
            ClusteringMethod.Ntc => NtcClustering.Cluster(graph, options.Ntc),
            ClusteringMethod.NtcPersistence => NtcClustering.Cluster(
                graph,
                options.Ntc with
                {
                    Method = NtcMethod.PersistenceGap,
                }
            ),
            ClusteringMethod.Hierarchical => baselineGraph is null
                ? []
                : BaselineClustering.Hierarchical(baselineGraph),
            ClusteringMethod.Dbscan => baselineGraph is null ? [] : BaselineClustering.Dbscan(baselineGraph),
            ClusteringMethod.KMeans => baselineGraph is null ? [] : BaselineClustering.KMeans(baselineGraph),
            ClusteringMethod.SrcPairs => SrcPairBaseline.Find(neurons, probes[0]),
            ClusteringMethod.RandomPartition => RandomPartitionBaseline.Partition(neurons),
            ClusteringMethod.Functional => Acquisition.FunctionalGrouping.Find(
                neurons,
                probes,
                options.Check,
                options.Functional,
                vectors,
                Completion(probes, options)
            ),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };

    /// <summary>The AMIG pair baseline already applied its own suppression tests: its pairs are the DKN.</summary>
    static FunctionalCheckResult PairsAsDkn(IReadOnlyList<IReadOnlyList<Neuron>> pairs, IAnswerProbe probe)
    {
        double? joint = pairs.Count > 0 ? Suppression.RelativeDrops(probe, [Suppression.Union(pairs)])[0] : null;
        return new FunctionalCheckResult(
            probe.BaselineProbability(),
            pairs.Select(p => new ClusterVerdict(p, null, true)).ToList(),
            pairs,
            joint,
            Rejection: pairs.Count == 0 ? "no pair passed the AMIG tests" : null
        );
    }
}
