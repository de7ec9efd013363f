namespace MlNetDkn.Degeneracy;

/// <summary>The stored, serialisable form of one fact's DKN acquisition (one JSON line in the DKN store).</summary>
public sealed record DknRecord
{
    public required string Key { get; init; }
    public required string FactId { get; init; }
    public required string RelationId { get; init; }
    /// <summary>The fact's first prompt.</summary>
    public required string Prompt { get; init; }
    /// <summary>Every prompt the functional check ran on, the first prompt first.</summary>
    public string[] CheckedPrompts { get; init; } = [];
    /// <summary>What the check measured drops of.</summary>
    public CheckMeasure Measure { get; init; }
    public required Neuron[] KnowledgeNeurons { get; init; }
    /// <summary>P0 on the first prompt.</summary>
    public required double BaselineProbability { get; init; }
    /// <summary>Pairs of knowledge neurons with a real structural connection (0: the graph has no structure to cluster).</summary>
    public int FiniteEdges { get; init; }
    public required DknMethodRecord[] Methods { get; init; }
    /// <summary>The knockout rounds that produced the candidates (null when the candidates were the knowledge neurons).</summary>
    public KnockoutRecord? Knockout { get; init; }
    /// <summary>Seconds spent on candidates, grouping and the check for this fact (not the re-check); NaN when not measured.</summary>
    public double AcquisitionSeconds { get; init; } = double.NaN;

    public DknMethodRecord? Method(ClusteringMethod method) => Methods.FirstOrDefault(m => m.Method == method.ToString());

    public static DknRecord From(FactDknResult result, string key, string relationId, IReadOnlyList<string>? checkedPrompts = null,
        CheckMeasure measure = CheckMeasure.Probability, IReadOnlyDictionary<ClusteringMethod, DknRecheck>? rechecks = null) => new()
    {
        Key = key, FactId = result.FactId, RelationId = relationId, Prompt = result.Prompt, CheckedPrompts = [.. checkedPrompts ?? [result.Prompt]],
        Measure = measure, KnowledgeNeurons = [.. result.KnowledgeNeurons], BaselineProbability = result.BaselineProbability,
        FiniteEdges = result.FiniteEdges,
        Methods = result.Methods.Select(m => new DknMethodRecord
        {
            Method = m.Method.ToString(),
            Candidates = m.Candidates.Select(c => c.ToArray()).ToArray(),
            CandidateDrops = m.Check.Clusters.Select(v => v.RelativeDrop).ToArray(),
            Components = m.Check.Dkn.Select(c => c.ToArray()).ToArray(),
            JointDrop = m.Check.JointDrop,
            WorstProperSubsetDrop = m.Check.WorstProperSubsetDrop,
            Rejection = m.Check.Rejection,
            PerPrompt = m.Check.PerPrompt?.Select(p => new PromptCheckRecord(p.PromptIndex, p.BaselineProbability, p.BaselineValue,
                [.. p.ClusterDrops], p.WorstProperSubsetDrop, p.JointDrop)).ToArray() ?? [],
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
    /// <summary>Drop with every component suppressed (aggregated over the checked prompts, in the record's measure).</summary>
    public required double? JointDrop { get; init; }
    /// <summary>The largest drop of a proper subset of the components (strict check; null otherwise).</summary>
    public double? WorstProperSubsetDrop { get; init; }
    /// <summary>Why the candidates are not a DKN (null when they are).</summary>
    public string? Rejection { get; init; }
    public PromptCheckRecord[] PerPrompt { get; init; } = [];
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
public sealed record DknRecheck(bool Holds, string Checked, double BaselineProbability, double[] ComponentDrops, double JointDrop,
    double WorstSubsetDrop = double.NaN)
{
    public const string BothHalves = "every proper subset of the components < t_low and all together > t_high, on every checked prompt";
    public const string ComponentsOnly = "each component alone < t_low (lenient: no joint requirement)";
}

/// <summary>The check on one prompt, as stored: P0, the measure's baseline value, each candidate's drop (null when
/// not tested), the worst proper subset and the whole set.</summary>
public sealed record PromptCheckRecord(int PromptIndex, double BaselineProbability, double BaselineValue, double?[] CandidateDrops,
    double? WorstProperSubsetDrop, double? JointDrop);

public sealed record SubsetRecord(int[] ComponentIndices, int Size, double RelativeDrop);

/// <summary>The stored knockout rounds of one fact: each round's neurons, P after it (first prompt), the smallest and
/// mean drop over the prompts, the completeness error of its joint attribution, and why the rounds stopped.</summary>
public sealed record KnockoutRecord(Acquisition.KnockoutRound[] Rounds, string StopReason)
{
    public int RoundCount => Rounds.Length;

    public static KnockoutRecord From(Acquisition.KnockoutResult result) => new([.. result.Rounds], result.StopReason);
}
