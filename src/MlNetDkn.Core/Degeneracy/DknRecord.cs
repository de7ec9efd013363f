namespace MlNetDkn.Degeneracy;

/// <summary>The stored, serialisable form of one fact's DKN acquisition (one JSON line in the DKN store).</summary>
public sealed record DknRecord
{
    public required string Key { get; init; }
    public required string FactId { get; init; }
    public required string RelationId { get; init; }
    public required string Prompt { get; init; }
    public required Neuron[] KnowledgeNeurons { get; init; }
    public required double BaselineProbability { get; init; }
    public required DknMethodRecord[] Methods { get; init; }

    public DknMethodRecord? Method(ClusteringMethod method) => Methods.FirstOrDefault(m => m.Method == method.ToString());

    public static DknRecord From(FactDknResult result, string key, string relationId,
        IReadOnlyDictionary<ClusteringMethod, DknRecheck>? rechecks = null) => new()
    {
        Key = key, FactId = result.FactId, RelationId = relationId, Prompt = result.Prompt,
        KnowledgeNeurons = [.. result.KnowledgeNeurons], BaselineProbability = result.BaselineProbability,
        Methods = result.Methods.Select(m => new DknMethodRecord
        {
            Method = m.Method.ToString(),
            Candidates = m.Candidates.Select(c => c.ToArray()).ToArray(),
            CandidateDrops = m.Check.Clusters.Select(v => v.RelativeDrop).ToArray(),
            Components = m.Check.Dkn.Select(c => c.ToArray()).ToArray(),
            JointDrop = m.Check.JointDrop,
            IsDkn = m.Check.IsDkn,
            Subsets = m.Evaluation?.Subsets.Select(s => new SubsetRecord(s.ComponentIndices.ToArray(), s.Size, s.RelativeDrop)).ToArray() ?? [],
            FullSetDrop = m.Evaluation?.FullSetDrop,
            Exhaustive = m.Evaluation?.Exhaustive ?? true,
            Recheck = rechecks is not null && rechecks.TryGetValue(m.Method, out var r) ? r : null,
        }).ToArray(),
    };
}

public sealed record DknMethodRecord
{
    public required string Method { get; init; }
    public required Neuron[][] Candidates { get; init; }
    public required double?[] CandidateDrops { get; init; }
    public required Neuron[][] Components { get; init; }
    public required double? JointDrop { get; init; }
    public required bool IsDkn { get; init; }
    public required SubsetRecord[] Subsets { get; init; }
    public required double? FullSetDrop { get; init; }
    public required bool Exhaustive { get; init; }
    /// <summary>The independent re-check by full recomputation (null when not run or when there is no DKN).</summary>
    public DknRecheck? Recheck { get; init; }
}

/// <summary>
/// A DKN re-checked with plain full forwards: whether it holds, and which definition was checked (both halves, or
/// only each component's dispensability under the authors' lenient rule, which has no joint requirement).
/// </summary>
public sealed record DknRecheck(bool Holds, string Checked, double BaselineProbability, double[] ComponentDrops, double JointDrop)
{
    public const string BothHalves = "each component alone < t_low and all together > t_high";
    public const string ComponentsOnly = "each component alone < t_low (lenient: no joint requirement)";
}

public sealed record SubsetRecord(int[] ComponentIndices, int Size, double RelativeDrop);
