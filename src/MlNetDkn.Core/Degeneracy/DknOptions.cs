using MlNetDkn.Modeling;

namespace MlNetDkn.Degeneracy;

/// <summary>Ways of grouping a fact's knowledge neurons into candidate base degenerate components.</summary>
public enum ClusteringMethod
{
    /// <summary>Neurological topology clustering as the options' NTC method says (corrected quantile cut by default,
    /// the authors' union-find in their preset).</summary>
    Ntc,
    Hierarchical,
    Dbscan,
    KMeans,
    /// <summary>The AMIG paper's pair search.</summary>
    SrcPairs,
    /// <summary>NTC with the persistence-gap cut (<see cref="NtcMethod.PersistenceGap"/>), whatever the options' NTC method.</summary>
    NtcPersistence,
    /// <summary>The null: the knowledge neurons split at random into as many groups as k-means would use.</summary>
    RandomPartition,
    /// <summary>Components from function: minimal sets of candidates that each carry the fact alone, found by greedy
    /// elimination under suppression (<see cref="Acquisition.FunctionalGrouping"/>).</summary>
    Functional,
}

/// <summary>What the distance-based baselines (hierarchical, DBSCAN, k-means) cluster.</summary>
public enum BaselineInput
{
    /// <summary>The distance matrix as it is, "no connection" sentinels included (the authors' code): with few real
    /// connections the matrix is nearly constant and the clusters arbitrary.</summary>
    Raw,
    /// <summary>Sentinels replaced by twice the largest real distance; a fact with no real connection gets no
    /// clusters (and says so in its record). The default.</summary>
    FiniteFill,
}

/// <summary>How the answer probability the check measures is computed.</summary>
public enum CheckProbability
{
    /// <summary>Teacher-forced P(gold answer tokens | prompt), suppression at every position that predicts one. The default.</summary>
    TeacherForced,
    /// <summary>
    /// The authors' get_predict_acc: for each answer step the prompt is extended with the model's argmax token (not
    /// the gold one) and the suppression acts only at the current last position; the product of the gold tokens'
    /// probabilities. Equals teacher forcing for one-token answers. Reproduce only to match their numbers.
    /// </summary>
    AuthorsArgmaxFed,
}

/// <summary>
/// Every choice of DKN acquisition. <see cref="Default"/> enforces the paper's full definition (strict functional
/// check on every prompt, corrected graph and clustering); <see cref="DknAuthors"/> runs the authors' code as it is.
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
    /// <summary>Also measure every proper subset of each DKN's components (the degeneracy curve).</summary>
    public bool EvaluateDegeneracy { get; init; } = true;
    public bool AuthorsGraph { get; init; }
    public BaselineInput BaselineInput { get; init; } = BaselineInput.FiniteFill;
    public CheckProbability Probability { get; init; } = CheckProbability.TeacherForced;
    /// <summary>Replaces the graph's same-layer rule when set (either preset's graph).</summary>
    public SameLayerRule? SameLayer { get; init; }
    public string Preset { get; init; } = "default";
    /// <summary>Options of the <see cref="ClusteringMethod.Functional"/> grouping.</summary>
    public Acquisition.FunctionalGroupingOptions Functional { get; init; } = Acquisition.FunctionalGroupingOptions.Default;

    /// <summary>
    /// The corrected graph marks "no connection" far above any real |1/w|, and NTC counts every real connection as
    /// finite: the authors' cut at |1/w| &lt; 100 assumes GPT-2-small weight scales and leaves small models with no edge.
    /// </summary>
    public const double ScaleFreeNoConnection = 1e12, ScaleFreeFinite = 1e11;

    public static DknOptions Default { get; } = new();

    /// <summary>The strict definition with components from function only (the recommended acquisition's grouping).</summary>
    public static DknOptions Recommended { get; } = new() { Methods = [ClusteringMethod.Functional], Preset = "recommended" };

    public static DknOptions DknAuthors { get; } = new()
    {
        AuthorsGraph = true, Ntc = NtcOptions.DknAuthors, Check = FunctionalCheckOptions.DknAuthorsLenient,
        Site = NeuronSite.Pre, Preset = "dkn-authors", BaselineInput = BaselineInput.Raw, Probability = CheckProbability.AuthorsArgmaxFed,
        Methods = [ClusteringMethod.Ntc, ClusteringMethod.Hierarchical, ClusteringMethod.Dbscan, ClusteringMethod.KMeans, ClusteringMethod.SrcPairs],
    };

    public static DknOptions FromPreset(string name) => name switch
    {
        "default" or "recommended" => Recommended,
        "graph" or "strict" => Default,
        "dkn-authors" => DknAuthors,
        _ => throw new DknInputException($"unknown DKN preset '{name}' (known: default, graph, dkn-authors)"),
    };

    /// <summary>The graph options for a model family (the authors' LLaMA orientation applies to gated MLPs).</summary>
    public StructuralGraphOptions GraphFor(ModelFamily family)
    {
        var graph = Graph ?? (AuthorsGraph ? StructuralGraphOptions.DknAuthors(llamaOrientation: family is ModelFamily.Llama or ModelFamily.Qwen2)
                                           : StructuralGraphOptions.Corrected with { NoConnection = ScaleFreeNoConnection });
        return SameLayer is { } rule ? graph with { SameLayer = rule } : graph;
    }

    public void Validate()
    {
        if (Methods.Count == 0) throw new DknInputException("DKN acquisition needs at least one clustering method");
        if (Methods.Distinct().Count() != Methods.Count) throw new DknInputException($"DKN acquisition: a method is listed twice ({string.Join(", ", Methods)})");
        Check.Validate();
        Graph?.Validate();
        Functional.Validate();
    }

    public static ClusteringMethod ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "ntc" => ClusteringMethod.Ntc,
        "hierarchical" => ClusteringMethod.Hierarchical,
        "dbscan" => ClusteringMethod.Dbscan,
        "kmeans" or "k-means" => ClusteringMethod.KMeans,
        "src" or "src-pairs" or "amig-pairs" => ClusteringMethod.SrcPairs,
        "ntc-persistence" or "ntc-gap" => ClusteringMethod.NtcPersistence,
        "random" or "random-partition" => ClusteringMethod.RandomPartition,
        "functional" => ClusteringMethod.Functional,
        _ => throw new DknInputException($"unknown clustering method '{text}' (known: functional, ntc, ntc-persistence, hierarchical, dbscan, kmeans, src-pairs, random-partition)"),
    };
}
