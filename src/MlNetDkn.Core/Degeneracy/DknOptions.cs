using MlNetDkn.Modeling;

namespace MlNetDkn.Degeneracy;

/// <summary>Ways of grouping a fact's knowledge neurons into candidate base degenerate components.</summary>
public enum ClusteringMethod { Ntc, Hierarchical, Dbscan, KMeans, SrcPairs }

/// <summary>
/// Every choice of DKN acquisition. <see cref="Default"/> enforces the paper's full definition (strict functional
/// check, corrected graph and clustering); <see cref="DknAuthors"/> runs the authors' code as it is.
/// </summary>
public sealed record DknOptions
{
    /// <summary>null: <see cref="StructuralGraphOptions.Corrected"/>, or the authors' graph for their preset.</summary>
    public StructuralGraphOptions? Graph { get; init; }
    public NtcOptions Ntc { get; init; } = NtcOptions.Corrected with { FiniteThreshold = ScaleFreeFinite };
    public FunctionalCheckOptions Check { get; init; } = FunctionalCheckOptions.Default;
    public DegeneracyEvaluationOptions Evaluation { get; init; } = new();
    public IReadOnlyList<ClusteringMethod> Methods { get; init; } = [ClusteringMethod.Ntc, ClusteringMethod.Hierarchical, ClusteringMethod.Dbscan, ClusteringMethod.KMeans];
    /// <summary>Where suppression acts (zero at either site silences the neuron's output).</summary>
    public NeuronSite Site { get; init; } = NeuronSite.Post;
    /// <summary>Also measure every proper subset of each DKN's components.</summary>
    public bool EvaluateDegeneracy { get; init; } = true;
    public bool AuthorsGraph { get; init; }
    public string Preset { get; init; } = "default";

    /// <summary>
    /// The corrected graph marks "no connection" far above any real |1/w|, and NTC counts every real connection as
    /// finite: the authors' cut at |1/w| &lt; 100 assumes GPT-2-small weight scales and leaves small models with no edge.
    /// </summary>
    public const double ScaleFreeNoConnection = 1e12, ScaleFreeFinite = 1e11;

    public static DknOptions Default { get; } = new();

    public static DknOptions DknAuthors { get; } = new()
    {
        AuthorsGraph = true, Ntc = NtcOptions.DknAuthors, Check = FunctionalCheckOptions.DknAuthorsLenient,
        Site = NeuronSite.Pre, Preset = "dkn-authors",
        Methods = [ClusteringMethod.Ntc, ClusteringMethod.Hierarchical, ClusteringMethod.Dbscan, ClusteringMethod.KMeans, ClusteringMethod.SrcPairs],
    };

    public static DknOptions FromPreset(string name) => name switch
    {
        "default" or "strict" => Default,
        "dkn-authors" => DknAuthors,
        _ => throw new DknInputException($"unknown DKN preset '{name}' (known: default, dkn-authors)"),
    };

    /// <summary>The graph options for a model family (the authors' LLaMA orientation applies to gated MLPs).</summary>
    public StructuralGraphOptions GraphFor(ModelFamily family) =>
        Graph ?? (AuthorsGraph ? StructuralGraphOptions.DknAuthors(llamaOrientation: family is ModelFamily.Llama or ModelFamily.Qwen2)
                               : StructuralGraphOptions.Corrected with { NoConnection = ScaleFreeNoConnection });

    public static ClusteringMethod ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "ntc" => ClusteringMethod.Ntc,
        "hierarchical" => ClusteringMethod.Hierarchical,
        "dbscan" => ClusteringMethod.Dbscan,
        "kmeans" or "k-means" => ClusteringMethod.KMeans,
        "src" or "src-pairs" or "amig-pairs" => ClusteringMethod.SrcPairs,
        _ => throw new DknInputException($"unknown clustering method '{text}' (known: ntc, hierarchical, dbscan, kmeans, src-pairs)"),
    };
}
