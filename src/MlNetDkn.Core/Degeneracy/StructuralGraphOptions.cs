namespace MlNetDkn.Degeneracy;

/// <summary>Which vectors form the connection weight w(A, B) for A in an earlier layer than B.</summary>
public enum ConnectionOrientation
{
    /// <summary>w = output(A) · input(B): what A writes, read by B. Correct for every architecture.</summary>
    OutputToInput,

    /// <summary>
    /// The DKN authors' LLaMA code: w = gate-input(A) · output(B) (their gate_proj row times down_proj column), which
    /// runs B → A backwards in depth. Reproduce only to match their numbers (method.md §7 item 9).
    /// </summary>
    AuthorsLlamaInputToOutput,
}

/// <summary>How a gated MLP's up projection enters w (ignored for non-gated MLPs).</summary>
public enum UpProjectionUse
{
    /// <summary>w = out(A)·gate(B): B's pre-activation site, as the authors hook it.</summary>
    Ignore,

    /// <summary>w = out(A)·gate(B) + out(A)·up(B).</summary>
    Add,

    /// <summary>
    /// w = sqrt((out(A)·gate(B))² + (out(A)·up(B))²): how strongly A moves B's two read directions, sign-free, which
    /// matches |1/w| discarding the sign anyway.
    /// </summary>
    Norm,
}

/// <summary>How pairs further apart than one layer get a distance.</summary>
public enum PathRule
{
    /// <summary>
    /// The authors' rule (method.md §3.1): Δ = 1 direct; Δ ∈ 2..MaxSpan via combinations of exactly MaxSpan − 1 of the
    /// fact's neurons strictly between, first one in layer l_A + 1 and last in l_B − 1, summing |1/w| hops in sorted
    /// order (so Δ = 2 needs two neurons in the middle layer and includes a same-layer hop).
    /// </summary>
    AuthorsCombination,

    /// <summary>Shortest path (Dijkstra, hop cost |1/w|) over the fact's neurons, moving forward in depth.</summary>
    ShortestPath,
}

/// <summary>Which hops the shortest-path graph contains.</summary>
public enum HopRule
{
    /// <summary>Only between neurons of consecutive layers: a layered graph, a pair Δ apart needs Δ hops.</summary>
    AdjacentLayers,

    /// <summary>Between any earlier and later neuron within MaxSpan: the residual stream carries a layer's writes to
    /// every later layer directly (the corrected default).</summary>
    AnyLaterLayer,
}

/// <summary>How two neurons of the same layer are connected.</summary>
public enum SameLayerRule
{
    /// <summary>Not at all (the sentinel): they read the same residual stream and cannot see each other's output.
    /// The authors' rule and the default.</summary>
    None,

    /// <summary>
    /// Through the residual stream into the next layer's input: w = the larger of |out(A)·in(B)| and |out(B)·in(A)|,
    /// how strongly one neuron writes along the direction the other reads, as if the other read one layer later. Lets
    /// a fact whose knowledge neurons all sit in one layer have a structure at all.
    /// </summary>
    ResidualStream,
}

/// <summary>Options of the structural |1/w| distance graph over one fact's knowledge neurons.</summary>
public sealed record StructuralGraphOptions
{
    /// <summary>Which vectors form w(A, B): write→read (correct) or the authors' backwards LLaMA weight.</summary>
    public ConnectionOrientation Orientation { get; init; } = ConnectionOrientation.OutputToInput;

    /// <summary>How a gated MLP's up projection enters w; ignored for non-gated MLPs.</summary>
    public UpProjectionUse UpProjection { get; init; } = UpProjectionUse.Ignore;

    /// <summary>How pairs more than one layer apart get a distance.</summary>
    public PathRule PathRule { get; init; } = PathRule.ShortestPath;

    /// <summary>
    /// Which hops the shortest-path graph contains (used by <see cref="PathRule.ShortestPath"/> only).
    /// </summary>
    public HopRule HopRule { get; init; } = HopRule.AnyLaterLayer;

    /// <summary>How two neurons of the same layer are connected.</summary>
    public SameLayerRule SameLayer { get; init; } = SameLayerRule.None;

    /// <summary>Pairs more than this many layers apart get <see cref="NoConnection"/>; 0 = no limit.</summary>
    public int MaxSpan { get; init; }

    /// <summary>Sentinel distance for same layer, too far, w = 0 or no path.</summary>
    public double NoConnection { get; init; } = 1000;

    /// <summary>
    /// The authors' code exactly: span ≤ 3, combination path rule, 1000 sentinel, up projection ignored.
    /// <paramref name="llamaOrientation"/> selects their (backwards) LLaMA weight; for GPT-2 pass false.
    /// </summary>
    public static StructuralGraphOptions DknAuthors(bool llamaOrientation) =>
        new()
        {
            Orientation = llamaOrientation
                ? ConnectionOrientation.AuthorsLlamaInputToOutput
                : ConnectionOrientation.OutputToInput,
            UpProjection = UpProjectionUse.Ignore,
            PathRule = PathRule.AuthorsCombination,
            MaxSpan = 3,
            NoConnection = 1000,
        };

    /// <summary>
    /// Corrected: write→read orientation for every architecture, shortest path over the fact's neurons in which any
    /// neuron connects to any later one (the residual stream, method.md §8), no span limit.
    /// </summary>
    public static StructuralGraphOptions Corrected { get; } = new();

    /// <summary>Checks the span, path rule and sentinel are consistent.</summary>
    /// <exception cref="DknInputException">An option is out of range.</exception>
    public void Validate()
    {
        if (MaxSpan < 0)
            throw new DknInputException($"structural graph: max span must be 0 (no limit) or more (got {MaxSpan})");
        if (PathRule == PathRule.AuthorsCombination && MaxSpan < 1)
            throw new DknInputException("structural graph: the authors' path rule needs a max span of at least 1");
        if (!(NoConnection > 0))
            throw new DknInputException(
                $"structural graph: the no-connection sentinel must be positive (got {NoConnection})"
            );
    }

    internal bool WithinSpan(int delta) => MaxSpan == 0 || delta <= MaxSpan;
}
