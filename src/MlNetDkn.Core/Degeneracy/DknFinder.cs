using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Modeling;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>One method's outcome for one fact: candidate clusters, the functional check, and the degeneracy curve.</summary>
public sealed record DknMethodResult(ClusteringMethod Method, IReadOnlyList<IReadOnlyList<Neuron>> Candidates,
    FunctionalCheckResult Check, DegeneracyEvaluation? Evaluation);

/// <summary>DKN acquisition for one prompt: knowledge neurons, their structural graph and each method's result.</summary>
public sealed record FactDknResult(string FactId, string Prompt, IReadOnlyList<Neuron> KnowledgeNeurons,
    StructuralGraph Graph, double BaselineProbability, IReadOnlyList<DknMethodResult> Methods);

/// <summary>
/// Acquires degenerate knowledge neurons: structural graph over the fact's knowledge neurons, clustering by each
/// method, the functional (suppression) check, then the subset-suppression curve of each DKN. All suppressions of a
/// fact run as batched rows over one shared prefix cache.
/// </summary>
public static class DknFinder
{
    /// <summary>On a model: its own neuron vectors and the batched prefix-cache probe.</summary>
    public static FactDknResult Find(CausalLm model, IReadOnlyList<long> prompt, IReadOnlyList<long> answer,
        IReadOnlyList<Neuron> knowledgeNeurons, DknOptions options, string factId = "", string promptText = "")
    {
        foreach (var n in knowledgeNeurons)
            if (n.Layer >= model.Config.NumLayers || n.Index >= model.Config.IntermediateSize)
                throw new DknInputException($"neuron {n} is outside the model ({model.Config.NumLayers} layers × {model.Config.IntermediateSize} neurons)");
        using var probe = new PrefixCacheProbe(model, prompt, answer, options.Site);
        return Find(new ModelNeuronVectors(model), model.Config.Family, probe, knowledgeNeurons, options, factId, promptText);
    }

    /// <summary>From any neuron-vector source and any answer probe.</summary>
    public static FactDknResult Find(INeuronVectorSource vectors, ModelFamily family, IAnswerProbe probe,
        IReadOnlyList<Neuron> knowledgeNeurons, DknOptions options, string factId = "", string promptText = "")
    {
        var graph = StructuralGraph.Build(knowledgeNeurons, vectors, options.GraphFor(family));
        var methods = new List<DknMethodResult>();
        foreach (var method in options.Methods)
        {
            var candidates = Cluster(method, graph, knowledgeNeurons, probe, options);
            var check = method == ClusteringMethod.SrcPairs
                ? PairsAsDkn(candidates, probe)
                : FunctionalCheck.Run(candidates, probe, options.Check);
            var evaluation = options.EvaluateDegeneracy && check.Dkn.Count >= 2
                ? DegeneracyEvaluator.Evaluate(check.Dkn, probe, options.Evaluation) : null;
            methods.Add(new DknMethodResult(method, candidates, check, evaluation));
        }
        return new FactDknResult(factId, promptText, knowledgeNeurons, graph, probe.BaselineProbability(), methods);
    }

    static IReadOnlyList<IReadOnlyList<Neuron>> Cluster(ClusteringMethod method, StructuralGraph graph,
        IReadOnlyList<Neuron> neurons, IAnswerProbe probe, DknOptions options)
    {
        if (neurons.Count < 2) return [];
        return method switch
        {
            ClusteringMethod.Ntc => NtcClustering.Cluster(graph, options.Ntc),
            ClusteringMethod.Hierarchical => BaselineClustering.Hierarchical(graph),
            ClusteringMethod.Dbscan => BaselineClustering.Dbscan(graph),
            ClusteringMethod.KMeans => BaselineClustering.KMeans(graph),
            ClusteringMethod.SrcPairs => SrcPairBaseline.Find(neurons, probe),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
    }

    /// <summary>The AMIG pair baseline already applied its own suppression tests: its pairs are the DKN.</summary>
    static FunctionalCheckResult PairsAsDkn(IReadOnlyList<IReadOnlyList<Neuron>> pairs, IAnswerProbe probe)
    {
        double? joint = pairs.Count > 0 ? Suppression.RelativeDrops(probe, [Suppression.Union(pairs)])[0] : null;
        return new FunctionalCheckResult(probe.BaselineProbability(), pairs.Select(p => new ClusterVerdict(p, null, true)).ToList(), pairs, joint);
    }
}
