namespace MlNetDkn.Modeling.Interventions;

/// <summary>Which token positions an intervention touches.</summary>
public sealed record TokenPositions
{
    TokenPositions(bool last, bool all, int[]? absolute) { IsLast = last; IsAll = all; Absolute = absolute; }

    public bool IsLast { get; }
    public bool IsAll { get; }
    /// <summary>Absolute positions (counting cached tokens), so cached decoding and full recomputation agree.</summary>
    public int[]? Absolute { get; }

    /// <summary>The last position of each forward call: the one whose logits predict the next token.</summary>
    public static TokenPositions Last { get; } = new(true, false, null);
    public static TokenPositions All { get; } = new(false, true, null);
    public static TokenPositions At(params int[] positions) => new(false, false, positions);

    /// <summary>Indices into the current chunk [offset, offset + length) that are selected.</summary>
    public IEnumerable<long> InChunk(int offset, int length)
    {
        if (IsLast) return [length - 1];
        if (IsAll) return Enumerable.Range(0, length).Select(i => (long)i);
        return Absolute!.Where(p => p >= offset && p < offset + length).Select(p => (long)(p - offset));
    }

    public override string ToString() => IsLast ? "last" : IsAll ? "all" : string.Join(",", Absolute!);
}
