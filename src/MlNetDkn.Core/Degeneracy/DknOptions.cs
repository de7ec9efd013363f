using MlNetDkn.Modeling;

namespace MlNetDkn.Degeneracy;

/// <summary>Ways of grouping a fact's knowledge neurons into candidate base degenerate components.</summary>
public enum ClusteringMethod
{
    /// <summary>Neurological topology clustering as the options' NTC method says (corrected quantile cut by default,
    /// the authors' union-find in their preset).</summary>
    Ntc,

    /// <summary>
    /// Agglomerative (average-linkage) clustering of the structural distance matrix (authors' baseline).
    /// </summary>
    Hierarchical,

    /// <summary>DBSCAN on the structural distance matrix (authors' baseline).</summary>
    Dbscan,

    /// <summary>k-means (k-means++ seeding) on a PCA of the rows of the distance matrix (authors' baseline).</summary>
    KMeans,

    /// <summary>The AMIG paper's pair search.</summary>
    SrcPairs,

    /// <summary>NTC with the persistence-gap cut (<see cref="NtcMethod.PersistenceGap"/>), whatever the options' NTC
    /// method.</summary>
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
    /// <summary>Teacher-forced P(gold answer tokens | prompt), suppression at every position that predicts one. The
    /// default.</summary>
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

    /// <summary>
    /// Options of the NTC clustering; by default the corrected cut with the scale-free finite threshold.
    /// </summary>
    public NtcOptions Ntc { get; init; } = NtcOptions.Corrected with { FiniteThreshold = ScaleFreeFinite };

    /// <summary>The functional check's thresholds, prompts and measure; by default the strict check.</summary>
    public FunctionalCheckOptions Check { get; init; } = FunctionalCheckOptions.Default;

    /// <summary>How the degeneracy curve (proper-subset drops) is sampled.</summary>
    public DegeneracyEvaluationOptions Evaluation { get; init; } = new();

    /// <summary>
    /// Clustering methods to run per fact, in order; each gets its own record entry. Must be non-empty and distinct.
    /// </summary>
    public IReadOnlyList<ClusteringMethod> Methods { get; init; } =
    [ClusteringMethod.Ntc, ClusteringMethod.Hierarchical, ClusteringMethod.Dbscan, ClusteringMethod.KMeans];

    /// <summary>Where suppression acts (zero at either site silences the neuron's output).</summary>
    public NeuronSite Site { get; init; } = NeuronSite.Post;

    /// <summary>Also measure every proper subset of each DKN's components (the degeneracy curve).</summary>
    public bool EvaluateDegeneracy { get; init; } = true;

    /// <summary>
    /// Use the authors' structural graph (with LLaMA orientation for gated MLPs) instead of the corrected one when
    /// <see cref="Graph"/> is null.
    /// </summary>
    public bool AuthorsGraph { get; init; }

    /// <summary>
    /// What the distance-based baselines cluster: the raw matrix with sentinels or the finite-filled one.
    /// </summary>
    public BaselineInput BaselineInput { get; init; } = BaselineInput.FiniteFill;

    /// <summary>How the answer probability the check measures is computed.</summary>
    public CheckProbability Probability { get; init; } = CheckProbability.TeacherForced;

    /// <summary>Replaces the graph's same-layer rule when set (either preset's graph).</summary>
    public SameLayerRule? SameLayer { get; init; }

    /// <summary>
    /// Name of the preset the options came from; part of the stored options, so records of different presets never mix.
    /// </summary>
    public string Preset { get; init; } = "default";

    /// <summary>Options of the <see cref="ClusteringMethod.Functional"/> grouping.</summary>
    public Acquisition.FunctionalGroupingOptions Functional { get; init; } =
        Acquisition.FunctionalGroupingOptions.Default;

    /// <summary>
    /// The corrected graph marks "no connection" far above any real |1/w|, and NTC counts every real connection as
    /// finite: the authors' cut at |1/w| &lt; 100 assumes GPT-2-small weight scales and leaves small models with no
    /// edge.
    /// </summary>
    public const double ScaleFreeNoConnection = 1e12,
        ScaleFreeFinite = 1e11;

    /// <summary>
    /// The full paper definition with the graph-based methods (NTC, hierarchical, DBSCAN, k-means); preset "graph" or
    /// "strict".
    /// </summary>
    public static DknOptions Default { get; } = new();

    /// <summary>The strict definition with components from function only (the recommended acquisition's
    /// grouping).</summary>
    public static DknOptions Recommended { get; } =
        new() { Methods = [ClusteringMethod.Functional], Preset = "recommended" };

    /// <summary>
    /// The authors' code as it is: their graph, NTC, lenient check, pre-activation site, raw baselines and argmax-fed
    /// probability.
    /// </summary>
    public static DknOptions DknAuthors { get; } =
        new()
        {
            AuthorsGraph = true,
            Ntc = NtcOptions.DknAuthors,
            Check = FunctionalCheckOptions.DknAuthorsLenient,
            Site = NeuronSite.Pre,
            Preset = "dkn-authors",
            BaselineInput = BaselineInput.Raw,
            Probability = CheckProbability.AuthorsArgmaxFed,
            Methods =
            [
                ClusteringMethod.Ntc,
                ClusteringMethod.Hierarchical,
                ClusteringMethod.Dbscan,
                ClusteringMethod.KMeans,
                ClusteringMethod.SrcPairs,
            ],
        };

    /// <summary>
    /// Options for a preset name: "default" or "recommended" (<see cref="Recommended"/>), "graph" or "strict"
    /// (<see cref="Default"/>), "dkn-authors".
    /// </summary>
    /// <exception cref="DknInputException">The name is not a known preset.</exception>
    public static DknOptions FromPreset(string name) =>
        name switch
        {
            "default" or "recommended" => Recommended,
            "graph" or "strict" => Default,
            "dkn-authors" => DknAuthors,
            _ => throw new DknInputException($"unknown DKN preset '{name}' (known: default, graph, dkn-authors)"),
        };

    /// <summary>The graph options for a model family (the authors' LLaMA orientation applies to gated MLPs).</summary>
    public StructuralGraphOptions GraphFor(ModelFamily family)
    {
        var graph = Graph
            ?? (
                AuthorsGraph
                    ? StructuralGraphOptions.DknAuthors(
                        llamaOrientation: family is ModelFamily.Llama or ModelFamily.Qwen2
                    )
                    : StructuralGraphOptions.Corrected with
                    {
                        NoConnection = ScaleFreeNoConnection,
                    }
            );
        return SameLayer is { } rule ? graph with { SameLayer = rule } : graph;
    }

    /// <summary>Checks the options are consistent (methods, check, graph, functional grouping).</summary>
    /// <exception cref="DknInputException">An option is out of range or a method is missing or repeated.</exception>
    public void Validate()
    {
        if (Methods.Count == 0)
            throw new DknInputException("DKN acquisition needs at least one clustering method");
        if (Methods.Distinct().Count() != Methods.Count)
            throw new DknInputException($"DKN acquisition: a method is listed twice ({string.Join(", ", Methods)})");
        Check.Validate();
        Graph?.Validate();
        Functional.Validate();
    }

    /// <summary>
    /// Parses a clustering method name as the command line spells it (e.g. "ntc", "kmeans", "src-pairs", "functional");
    /// case-insensitive.
    /// </summary>
    /// <exception cref="DknInputException">The name is unknown.</exception>
    public static ClusteringMethod ParseMethod(string text) =>
        text.ToLowerInvariant() switch
        {
            "ntc" => ClusteringMethod.Ntc,
            "hierarchical" => ClusteringMethod.Hierarchical,
            "dbscan" => ClusteringMethod.Dbscan,
            "kmeans" or "k-means" => ClusteringMethod.KMeans,
            "src" or "src-pairs" or "amig-pairs" => ClusteringMethod.SrcPairs,
            "ntc-persistence" or "ntc-gap" => ClusteringMethod.NtcPersistence,
            "random" or "random-partition" => ClusteringMethod.RandomPartition,
            "functional" => ClusteringMethod.Functional,
            _ => throw new DknInputException(
                $"unknown clustering method '{text}' (known: functional, ntc, ntc-persistence, hierarchical, "
                    + $"dbscan, kmeans, src-pairs, random-partition)"
            ),
        };
}
