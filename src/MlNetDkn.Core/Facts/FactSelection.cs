namespace MlNetDkn.Facts;

/// <summary>
/// Which facts of a dataset a run works on: a split, some relations, and at most N facts per relation or overall.
/// Caps draw across relations (stratified) with an explicit seed, never "the first N rows", so a capped run still
/// covers every relation. The result keeps the dataset's row order.
/// </summary>
public sealed record FactSelection
{
    /// <summary>Only facts of this split; null or "all" for every split.</summary>
    public string? Split { get; init; }

    /// <summary>Only these relation ids; null or empty for all.</summary>
    public IReadOnlyList<string>? Relations { get; init; }

    /// <summary>At most this many facts per relation (0 = no cap).</summary>
    public int MaxPerRelation { get; init; }

    /// <summary>At most this many facts overall, spread over the relations as evenly as they allow (0 = no
    /// cap).</summary>
    public int MaxFacts { get; init; }

    /// <summary>Seed of the draw when a cap applies.</summary>
    public int Seed { get; init; }

    /// <summary>Every fact of every split, uncapped.</summary>
    public static FactSelection All { get; } = new();

    /// <summary>True when the selection keeps every row (any split, any relation, no cap).</summary>
    public bool IsAll =>
        (Split is null or "all") && (Relations is null || Relations.Count == 0) && MaxPerRelation == 0 && MaxFacts == 0;

    /// <summary>Checks the caps are not negative.</summary>
    /// <exception cref="DknInputException">A cap is negative.</exception>
    public void Validate()
    {
        if (MaxPerRelation < 0)
            throw new DknInputException(
                $"fact selection: max per relation must be 0 (no cap) or more (got {MaxPerRelation})"
            );
        if (MaxFacts < 0)
            throw new DknInputException($"fact selection: max facts must be 0 (no cap) or more (got {MaxFacts})");
    }

    /// <summary>
    /// The selected facts in the input's order: filtered by split and relations, then capped per relation and overall
    /// by a seeded draw.
    /// </summary>
    /// <exception cref="DknInputException">A cap is negative.</exception>
    public IReadOnlyList<FactRecord> Apply(IReadOnlyList<FactRecord> records)
    {
        Validate();
        var pool = records
            .Where(r => Split is null or "all" || r.Split == Split)
            .Where(r => Relations is not { Count: > 0 } || Relations.Contains(r.RelationId, StringComparer.Ordinal))
            .ToList();
        if (MaxPerRelation == 0 && MaxFacts == 0)
            return pool;

        var rng = new Random(Seed);
        // Per relation, a seeded random order; caps take prefixes of it.
        var byRelation = pool.GroupBy(r => r.RelationId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(_ => rng.Next()).ToList())
            .ToList();
        var quota = byRelation.Select(g => MaxPerRelation > 0 ? Math.Min(MaxPerRelation, g.Count) : g.Count).ToArray();
        if (MaxFacts > 0 && quota.Sum() > MaxFacts)
        {
            // Round-robin over relations so every relation gets its fair share before any gets more.
            var fair = new int[quota.Length];
            for (int taken = 0; taken < MaxFacts; )
            for (int g = 0; g < quota.Length && taken < MaxFacts; g++)
                if (fair[g] < quota[g])
                {
                    fair[g]++;
                    taken++;
                }
            quota = fair;
        }
        var chosen = byRelation.SelectMany((g, i) => g.Take(quota[i])).ToHashSet(ReferenceEqualityComparer.Instance);
        return pool.Where(chosen.Contains).ToList();
    }

    /// <summary>The selected facts of <paramref name="dataset"/>, in its row order.</summary>
    public IReadOnlyList<FactRecord> Apply(FactDataset dataset) => Apply(dataset.Records);

    /// <summary>A one-line description of the selection for logs and manifests.</summary>
    public override string ToString() =>
        $"split {Split ?? "all"}, relations {(Relations is { Count: > 0 } ? string.Join(",", Relations) : "all")}, "
        + $"max per relation {MaxPerRelation}, max facts {MaxFacts}, seed {Seed}";
}
