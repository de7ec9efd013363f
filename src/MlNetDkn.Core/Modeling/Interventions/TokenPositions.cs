namespace MlNetDkn.Modeling.Interventions;

/// <summary>Which token positions an intervention touches.</summary>
public sealed record TokenPositions
{
    TokenPositions(bool last, bool all, int[]? absolute)
    {
        IsLast = last;
        IsAll = all;
        Absolute = absolute;
    }

    /// <summary>True for <see cref="Last"/>: the chunk's last position, whatever its absolute index.</summary>
    public bool IsLast { get; }

    /// <summary>True for <see cref="All"/>: every position of every chunk.</summary>
    public bool IsAll { get; }

    /// <summary>Absolute positions (counting cached tokens), so cached decoding and full recomputation agree.</summary>
    public int[]? Absolute { get; }

    /// <summary>The last position of each forward call: the one whose logits predict the next token.</summary>
    public static TokenPositions Last { get; } = new(true, false, null);

    /// <summary>Every position of each forward call.</summary>
    public static TokenPositions All { get; } = new(false, true, null);

    /// <summary>
    /// The given absolute positions (0-based, counting cached tokens); positions outside a chunk are skipped.
    /// </summary>
    public static TokenPositions At(params int[] positions) => new(false, false, positions);

    /// <summary>Indices into the current chunk [offset, offset + length) that are selected.</summary>
    public IEnumerable<long> InChunk(int offset, int length)
    {
        if (IsLast)
            return [length - 1];
        if (IsAll)
            return Enumerable.Range(0, length).Select(i => (long)i);
        return Absolute!.Where(p => p >= offset && p < offset + length).Select(p => (long)(p - offset));
    }

    /// <summary>"last", "all", or the absolute positions joined with commas.</summary>
    public override string ToString() =>
        IsLast ? "last"
        : IsAll ? "all"
        : string.Join(",", Absolute!);
}
