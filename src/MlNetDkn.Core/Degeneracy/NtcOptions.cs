namespace MlNetDkn.Degeneracy;

/// <summary>The cut rule of neurological topology clustering (NTC).</summary>
public enum NtcMethod
{
    /// <summary>The authors' persistent_homology_clustering, exactly (method.md §3.2).</summary>
    AuthorsUnionFind,

    /// <summary>Single linkage on finite edges, cut at the largest gap between consecutive merge heights.</summary>
    PersistenceGap,

    /// <summary>
    /// Single linkage over the shortest edges: grow radius-R balls around each neuron until R reaches the
    /// <see cref="NtcOptions.CutQuantile"/> of the finite distances (the authors' filtration, whose effective cut is
    /// about the 10th percentile), without their root-birth "persistence" test. The corrected default.
    /// </summary>
    QuantileCut,
}

/// <summary>Options of neurological topology clustering (NTC).</summary>
public sealed record NtcOptions
{
    /// <summary>Which cut rule NTC applies; the quantile cut by default.</summary>
    public NtcMethod Method { get; init; } = NtcMethod.QuantileCut;

    /// <summary>QuantileCut: merge every edge at or below this quantile of the finite distances.</summary>
    public double CutQuantile { get; init; } = 0.1;

    /// <summary>Distances at or above this are "no connection" (the authors' inf_threshold 100, i.e. |w| ≤
    /// 0.01).</summary>
    public double FiniteThreshold { get; init; } = 100;

    /// <summary>Authors: candidate edges are those below this quantile of the finite distances.</summary>
    public double DistanceQuantile { get; init; } = 0.2;

    /// <summary>Authors: only the first int(fraction·|E|) candidate edges are merged.</summary>
    public double FractionOfEdges { get; init; } = 0.5;

    /// <summary>Authors: clusters need (max candidate edge − root birth) above this quantile of all births.</summary>
    public double PersistenceQuantile { get; init; } = 0.5;

    /// <summary>PersistenceGap: measure gaps between log distances (|1/w| is heavy-tailed), else raw
    /// distances.</summary>
    public bool LogScaleGaps { get; init; } = true;

    /// <summary>PersistenceGap: a cut needs consecutive merge heights at least this ratio apart.</summary>
    public double MinGapRatio { get; init; } = 2.0;

    /// <summary>QuantileCut and PersistenceGap: smaller clusters are dropped (the authors always drop
    /// singletons).</summary>
    public int MinClusterSize { get; init; } = 2;

    /// <summary>The authors' union-find clustering with their quantiles and inf_threshold 100.</summary>
    public static NtcOptions DknAuthors { get; } = new() { Method = NtcMethod.AuthorsUnionFind };

    /// <summary>The corrected default: single linkage cut at the 10th percentile of the finite distances.</summary>
    public static NtcOptions Corrected { get; } = new();
}
