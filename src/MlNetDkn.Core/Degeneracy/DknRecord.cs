namespace MlNetDkn.Degeneracy;

/// <summary>The stored, serialisable form of one fact's DKN acquisition (one JSON line in the DKN store).</summary>
public sealed record DknRecord
{
    /// <summary>
    /// Store key: the first 32 hex digits of a SHA-256 over the record version, model content hash, fact, checked
    /// prompts, answer, candidate neurons and options; equal keys reuse the stored record.
    /// </summary>
    public required string Key { get; init; }

    /// <summary>Identifier of the fact the record belongs to.</summary>
    public required string FactId { get; init; }

    /// <summary>Relation identifier of the fact (e.g. a Wikidata property such as P36).</summary>
    public required string RelationId { get; init; }

    /// <summary>The fact's first prompt.</summary>
    public required string Prompt { get; init; }

    /// <summary>Every prompt the functional check ran on, the first prompt first.</summary>
    public string[] CheckedPrompts { get; init; } = [];

    /// <summary>What the check measured drops of.</summary>
    public CheckMeasure Measure { get; init; }

    /// <summary>The fact's knowledge neurons (the attribution's candidates) the groupings started from.</summary>
    public required Neuron[] KnowledgeNeurons { get; init; }

    /// <summary>P0 on the first prompt.</summary>
    public required double BaselineProbability { get; init; }

    /// <summary>Pairs of knowledge neurons with a real structural connection (0: the graph has no structure to
    /// cluster).</summary>
    public int FiniteEdges { get; init; }

    /// <summary>One entry per clustering method run, in the order of the options' methods.</summary>
    public required DknMethodRecord[] Methods { get; init; }

    /// <summary>The knockout rounds that produced the candidates (null when the candidates were the knowledge
    /// neurons).</summary>
    public KnockoutRecord? Knockout { get; init; }

    /// <summary>Seconds spent on candidates, grouping and the check for this fact (not the re-check); NaN when not
    /// measured.</summary>
    public double AcquisitionSeconds { get; init; } = double.NaN;

    /// <summary>The entry of <paramref name="method"/>; null when that method was not run.</summary>
    public DknMethodRecord? Method(ClusteringMethod method) =>
        Methods.FirstOrDefault(m => m.Method == method.ToString());

    /// <summary>Builds the stored form of <paramref name="result"/>.</summary>
    /// <param name="key">Store key of the record (see <see cref="Key"/>).</param>
    /// <param name="checkedPrompts">Prompts the check ran on; null: only the result's prompt.</param>
    /// <param name="rechecks">Independent re-checks by method; null or missing: none stored.</param>
    public static DknRecord From(
        FactDknResult result,
        string key,
        string relationId,
        IReadOnlyList<string>? checkedPrompts = null,
        CheckMeasure measure = CheckMeasure.Probability,
        IReadOnlyDictionary<ClusteringMethod, DknRecheck>? rechecks = null
    ) =>
        new()
        {
            Key = key,
            FactId = result.FactId,
            RelationId = relationId,
            Prompt = result.Prompt,
            CheckedPrompts = [.. checkedPrompts ?? [result.Prompt]],
            Measure = measure,
            KnowledgeNeurons = [.. result.KnowledgeNeurons],
            BaselineProbability = result.BaselineProbability,
            FiniteEdges = result.FiniteEdges,
            Methods = result
                .Methods.Select(m => new DknMethodRecord
                {
                    Method = m.Method.ToString(),
                    Candidates = m.Candidates.Select(c => c.ToArray()).ToArray(),
                    CandidateDrops = m.Check.Clusters.Select(v => v.RelativeDrop).ToArray(),
                    Components = m.Check.Dkn.Select(c => c.ToArray()).ToArray(),
                    JointDrop = m.Check.JointDrop,
                    WorstProperSubsetDrop = m.Check.WorstProperSubsetDrop,
                    Rejection = m.Check.Rejection,
                    PerPrompt = m.Check.PerPrompt?.Select(p => new PromptCheckRecord(
                            p.PromptIndex,
                            p.BaselineProbability,
                            p.BaselineValue,
                            [.. p.ClusterDrops],
                            p.WorstProperSubsetDrop,
                            p.JointDrop
                        ))
                        .ToArray()
                        ?? [],
                    IsDkn = m.Check.IsDkn,
                    Subsets = m.Evaluation?.Subsets.Select(s => new SubsetRecord(
                            s.ComponentIndices.ToArray(),
                            s.Size,
                            s.RelativeDrop
                        ))
                        .ToArray()
                        ?? [],
                    FullSetDrop = m.Evaluation?.FullSetDrop,
                    Exhaustive = m.Evaluation?.Exhaustive ?? true,
                    Recheck = rechecks is not null && rechecks.TryGetValue(m.Method, out var r) ? r : null,
                })
                .ToArray(),
        };
}

/// <summary>
/// The stored outcome of one clustering method on one fact: its candidate components, the functional check and, for a
/// DKN, its degeneracy curve.
/// </summary>
public sealed record DknMethodRecord
{
    /// <summary>The <see cref="ClusteringMethod"/> name as text (e.g. "Ntc", "Functional").</summary>
    public required string Method { get; init; }

    /// <summary>Candidate components (base degenerate components) the method proposed, each a set of neurons.</summary>
    public required Neuron[][] Candidates { get; init; }

    /// <summary>
    /// Relative drop (P0 − P)/P0 with each candidate suppressed alone, candidate order; null when the check did not
    /// test it.
    /// </summary>
    public required double?[] CandidateDrops { get; init; }

    /// <summary>The candidates that passed the check as the DKN's components; empty when there is no DKN.</summary>
    public required Neuron[][] Components { get; init; }

    /// <summary>Drop with every component suppressed (aggregated over the checked prompts, in the record's
    /// measure).</summary>
    public required double? JointDrop { get; init; }

    /// <summary>The largest drop of a proper subset of the components (strict check; null otherwise).</summary>
    public double? WorstProperSubsetDrop { get; init; }

    /// <summary>Why the candidates are not a DKN (null when they are).</summary>
    public string? Rejection { get; init; }

    /// <summary>The check on each checked prompt separately; empty when the check ran on one prompt only.</summary>
    public PromptCheckRecord[] PerPrompt { get; init; } = [];

    /// <summary>Whether the components form a degenerate knowledge neuron under the check's definition.</summary>
    public required bool IsDkn { get; init; }

    /// <summary>
    /// Drops of the proper subsets of the components (the degeneracy curve); empty when there is no DKN or it was not
    /// evaluated.
    /// </summary>
    public required SubsetRecord[] Subsets { get; init; }

    /// <summary>
    /// Relative drop (P0 − P)/P0 with all components suppressed together; null when the degeneracy curve was not
    /// evaluated.
    /// </summary>
    public required double? FullSetDrop { get; init; }

    /// <summary>
    /// True when <see cref="Subsets"/> holds every proper subset; false when it is a seeded sample per size.
    /// </summary>
    public required bool Exhaustive { get; init; }

    /// <summary>The independent re-check by full recomputation (null when not run or when there is no DKN).</summary>
    public DknRecheck? Recheck { get; init; }
}

/// <summary>
/// A DKN re-checked with plain full forwards: whether it holds, and which definition was checked (both halves, or
/// only each component's dispensability under the authors' lenient rule, which has no joint requirement).
/// </summary>
public sealed record DknRecheck(
    bool Holds,
    string Checked,
    double BaselineProbability,
    double[] ComponentDrops,
    double JointDrop,
    double WorstSubsetDrop = double.NaN
)
{
    /// <see cref="DknRecheck.Checked"/> value when both halves of the definition were re-checked.
    public const string BothHalves =
        "every proper subset of the components < t_low and all together > t_high, on every checked prompt";

    /// <see cref="DknRecheck.Checked"/> value under the authors' lenient rule (component dispensability only).
    public const string ComponentsOnly = "each component alone < t_low (lenient: no joint requirement)";
}

/// <summary>The check on one prompt, as stored: P0, the measure's baseline value, each candidate's drop (null when
/// not tested), the worst proper subset and the whole set.</summary>
public sealed record PromptCheckRecord(
    int PromptIndex,
    double BaselineProbability,
    double BaselineValue,
    double?[] CandidateDrops,
    double? WorstProperSubsetDrop,
    double? JointDrop
);

/// <summary>One stored proper subset of a DKN's components and its relative drop (P0 − P)/P0 when suppressed.</summary>
/// <param name="ComponentIndices">0-based indices into the method's components, ascending.</param>
/// <param name="Size">Number of components in the subset.</param>
/// <param name="RelativeDrop">(P0 − P)/P0; negative when suppressing raises the probability.</param>
public sealed record SubsetRecord(int[] ComponentIndices, int Size, double RelativeDrop);

/// <summary>The stored knockout rounds of one fact: each round's neurons, P after it (first prompt), the smallest and
/// mean drop over the prompts, the completeness error of its joint attribution, and why the rounds stopped.</summary>
public sealed record KnockoutRecord(Acquisition.KnockoutRound[] Rounds, string StopReason)
{
    /// <summary>Number of knockout rounds that ran.</summary>
    public int RoundCount => Rounds.Length;

    /// <summary>The stored form of a knockout run.</summary>
    public static KnockoutRecord From(Acquisition.KnockoutResult result) => new([.. result.Rounds], result.StopReason);
}
