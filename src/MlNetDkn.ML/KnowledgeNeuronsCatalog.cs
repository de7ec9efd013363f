using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.ML.Persistence;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML;

/// <summary>Entry point: <c>mlContext.KnowledgeNeurons()</c>.</summary>
public static class MLContextKnowledgeNeuronsExtensions
{
    public static KnowledgeNeuronsCatalog KnowledgeNeurons(this MLContext mlContext) => new(mlContext);
}

/// <summary>
/// The knowledge-neuron stages in flow order: read facts, attribute knowledge neurons, find degenerate knowledge
/// neurons; then save and load fitted pipelines that contain them.
/// </summary>
public sealed class KnowledgeNeuronsCatalog
{
    internal KnowledgeNeuronsCatalog(MLContext context) => Context = context;

    public MLContext Context { get; }

    /// <summary>Where results go when no store folder is given: a per-machine cache, safe to share because every
    /// entry is keyed by model hash, fact, prompt and options.</summary>
    public static string DefaultStoreFolder => Path.Combine(Path.GetTempPath(), "mlnetdkn", "store");

    /// <summary>A fact dataset (Parquet, datasets/README.md) as a data view: text columns, list columns as
    /// variable-length text vectors.</summary>
    public IDataView ReadFacts(string parquetPath) => LoadFacts(FactDataset.Read(parquetPath));

    /// <summary>An in-memory fact dataset as a data view.</summary>
    public IDataView LoadFacts(FactDataset dataset) => dataset.ToDataFrame();

    /// <summary>
    /// Adds the knowledge-neuron columns of <see cref="KnowledgeNeuronColumns"/> to fact rows (it reads fact_id,
    /// relation_id, answer and <paramref name="promptsColumn"/>).
    /// </summary>
    /// <param name="modelPath">A Hugging Face folder or llama2.c checkpoint; referenced by path and content hash.</param>
    /// <param name="storeFolder">The resumable store of prompt attributions (<see cref="DefaultStoreFolder"/> if null).</param>
    public KnowledgeNeuronEstimator AttributeKnowledgeNeurons(string modelPath, FactAttributionOptions? options = null,
        string? storeFolder = null, ModelLoadOptions? modelLoad = null, string promptsColumn = FactColumns.Prompts) =>
        new(new AttributionStageSettings(Path.GetFullPath(modelPath), modelLoad ?? new ModelLoadOptions(),
            options ?? new FactAttributionOptions(), Path.GetFullPath(storeFolder ?? DefaultStoreFolder), promptsColumn));

    /// <summary>
    /// Adds the DKN columns of <see cref="KnowledgeNeuronColumns"/> to rows that carry knowledge neurons (it reads
    /// fact_id, relation_id, answer, <paramref name="promptsColumn"/> (the first prompt is checked) and
    /// <see cref="KnowledgeNeuronColumns.KnowledgeNeurons"/>, and <see cref="KnowledgeNeuronColumns.KnowledgeNeuronScores"/> when present).
    /// </summary>
    /// <param name="method">Fills the unsuffixed DKN columns; null = the first of the options' methods.</param>
    /// <param name="perMethodColumns">Also add every method's columns, suffixed "_Method".</param>
    /// <param name="maxNeurons">At most this many knowledge neurons (highest-ranked first) enter a fact's graph (0 = all).</param>
    public DegenerateNeuronEstimator FindDegenerateNeurons(string modelPath, DknOptions? options = null,
        string? storeFolder = null, ModelLoadOptions? modelLoad = null, ClusteringMethod? method = null,
        bool perMethodColumns = false, int maxNeurons = 64, string promptsColumn = FactColumns.Prompts)
    {
        options ??= DknOptions.Default;
        return new(new DknStageSettings(Path.GetFullPath(modelPath), modelLoad ?? new ModelLoadOptions(), options,
            Path.GetFullPath(storeFolder ?? DefaultStoreFolder), method ?? options.Methods.FirstOrDefault(), perMethodColumns,
            maxNeurons, promptsColumn));
    }

    /// <summary>
    /// Saves a fitted pipeline (any mix of these stages and built-in ML.NET transformers) to one archive: the built-in
    /// parts as ML.NET model zips, these stages as settings with the model path and content hash (weights are not copied).
    /// </summary>
    public void Save(ITransformer model, DataViewSchema inputSchema, string path) =>
        PipelineArchive.Save(Context, model, inputSchema, path);

    /// <summary>Loads a pipeline written by <see cref="Save"/>; fails if a referenced model's files changed.
    /// Dispose the result to release models and stores.</summary>
    public TransformerChain<ITransformer> Load(string path, out DataViewSchema inputSchema) =>
        PipelineArchive.Load(Context, path, out inputSchema);
}
