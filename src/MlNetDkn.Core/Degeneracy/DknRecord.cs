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

    public static DknRecord From(FactDknResult result, string key, string relationId) => new()
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
}

public sealed record SubsetRecord(int[] ComponentIndices, int Size, double RelativeDrop);
