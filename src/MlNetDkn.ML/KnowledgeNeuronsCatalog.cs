using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.Metrics;
using MlNetDkn.ML.Accuracy;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.ML.Evaluation;
using MlNetDkn.ML.Output;
using MlNetDkn.ML.Persistence;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML;

/// <summary>Entry point: <c>mlContext.KnowledgeNeurons()</c>.</summary>
public static class MLContextKnowledgeNeuronsExtensions
{
    /// <summary>The knowledge-neuron catalog of <paramref name="mlContext"/>; its stages log to the
    /// context's Log event.</summary>
    public static KnowledgeNeuronsCatalog KnowledgeNeurons(this MLContext mlContext) => new(mlContext);
}

/// <summary>
/// The knowledge-neuron stages in flow order: read facts, evaluate accuracy, attribute knowledge neurons, find
/// degenerate knowledge neurons; their Evaluate methods; writing outputs; saving and loading fitted pipelines.
/// Every stage has an options-class overload (model, load settings, folder, progress and cancellation inside).
/// </summary>
public sealed class KnowledgeNeuronsCatalog
{
    internal KnowledgeNeuronsCatalog(MLContext context) => Context = context;

    /// <summary>The ML context the catalog's estimators are created in.</summary>
    public MLContext Context { get; }

    /// <summary>Where a stage keeps its store when no folder is given: a per-machine cache, safe to share because
    /// every entry is keyed by model hash, fact, prompt and options.</summary>
    public static string DefaultStageFolder(string stage) =>
        Path.Combine(Path.GetTempPath(), "mlnetdkn", "stages", stage);

    // ---- facts ------------------------------------------------------------------------------------------------

    /// <summary>A fact dataset (Parquet, datasets/README.md) as a data view: text columns, list columns as
    /// variable-length text vectors; <paramref name="selection"/> keeps a split, some relations, or at most N facts
    /// per relation or overall (drawn across relations with its seed).</summary>
    public IDataView ReadFacts(string parquetPath, FactSelection? selection = null) =>
        LoadFacts(FactDataset.Read(parquetPath), selection);

    /// <summary>An in-memory fact dataset as a data view.</summary>
    public IDataView LoadFacts(FactDataset dataset, FactSelection? selection = null) =>
        selection is null || selection.IsAll
            ? dataset.ToDataFrame()
            : new FactDataset(selection.Apply(dataset), "selection").ToDataFrame();

    // ---- stages -----------------------------------------------------------------------------------------------

    /// <summary>Adds per-fact accuracy on prompts and held-out paraphrases
    /// (<see cref="KnowledgeNeuronColumns"/>).</summary>
    public AccuracyMeasuringEstimator EvaluateAccuracy(AccuracyStageOptions options) => new(options, Context);

    /// <summary>Accuracy on the model at <paramref name="modelPath"/> (a Hugging Face folder or llama2.c checkpoint;
    /// made absolute) with default options.</summary>
    /// <param name="modelLoad">Device, dtype and threads; null: CPU, float32.</param>
    public AccuracyMeasuringEstimator EvaluateAccuracy(string modelPath, ModelLoadOptions? modelLoad = null) =>
        EvaluateAccuracy(
            new AccuracyStageOptions { ModelPath = Path.GetFullPath(modelPath), Load = modelLoad ?? new() }
        );

    /// <summary>Adds the knowledge-neuron columns of <see cref="KnowledgeNeuronColumns"/> to fact rows.</summary>
    public KnowledgeNeuronAttributingEstimator AttributeKnowledgeNeurons(KnowledgeNeuronStageOptions options) =>
        new(options with { ModelPath = Path.GetFullPath(options.ModelPath) }, Context);

    /// <param name="modelPath">A Hugging Face folder or llama2.c checkpoint; referenced by path and content
    /// hash.</param>
    /// <param name="folder">The stage's folder: its store of prompt attributions (<see cref="DefaultStageFolder"/> if
    /// null).</param>
    public KnowledgeNeuronAttributingEstimator AttributeKnowledgeNeurons(
        string modelPath,
        FactAttributionOptions? options = null,
        string? folder = null,
        ModelLoadOptions? modelLoad = null,
        string promptsColumn = FactColumns.Prompts
    ) =>
        AttributeKnowledgeNeurons(
            new KnowledgeNeuronStageOptions
            {
                ModelPath = modelPath,
                Attribution = options ?? new(),
                Folder = folder is null ? null : Path.GetFullPath(folder),
                Load = modelLoad ?? new(),
                PromptsColumn = promptsColumn,
            }
        );

    /// <summary>Adds the DKN columns of <see cref="KnowledgeNeuronColumns"/> (every method, suffixed, and the primary
    /// method unsuffixed) to rows that carry knowledge neurons.</summary>
    public DegenerateNeuronFindingEstimator FindDegenerateNeurons(DegenerateNeuronStageOptions options) =>
        new(options with { ModelPath = Path.GetFullPath(options.ModelPath) }, Context);

    /// <param name="options">DKN options that group the knowledge neurons of the attribution stage; null: the
    /// recommended acquisition (knockout candidates, components from function, strict check). For the authors' whole
    /// pipeline (no knowledge-neuron cap, their target tokens) use the options-class overload with
    /// <see cref="DknStageOptions.DknAuthors"/>.</param>
    /// <param name="method">Fills the unsuffixed DKN columns; null = the first of the options' methods.</param>
    public DegenerateNeuronFindingEstimator FindDegenerateNeurons(
        string modelPath,
        DknOptions? options = null,
        string? folder = null,
        ModelLoadOptions? modelLoad = null,
        ClusteringMethod? method = null,
        int maxNeurons = DknStageOptions.Defaults.MaxNeurons,
        string promptsColumn = FactColumns.Prompts
    ) =>
        FindDegenerateNeurons(
            new DegenerateNeuronStageOptions
            {
                ModelPath = modelPath,
                Dkn = options is null
                    ? DknStageOptions.Default with
                    {
                        MaxNeurons = maxNeurons,
                    }
                    : new DknStageOptions
                    {
                        Dkn = options,
                        MaxNeurons = maxNeurons,
                        Candidates = MlNetDkn.Degeneracy.Acquisition.CandidateSource.KnowledgeNeurons,
                    },
                Folder = folder is null ? null : Path.GetFullPath(folder),
                Load = modelLoad ?? new(),
                Method = method,
                PromptsColumn = promptsColumn,
            }
        );

    /// <summary>R1: suppression of the DKN, knowledge neurons and matched random sets on clean and perturbed queries
    /// (the facts' perturbed_prompts), by activations and by weights.</summary>
    public Experiments.PerturbedQueryProbingEstimator SuppressUnderPerturbation(
        Experiments.PerturbedQueryStageOptions options
    ) =>
        new(
            options with
            {
                Experiment = MlNetDkn.Experiments.Robustness.PerturbedQueryExperiment.Suppression,
            },
            Context
        );

    /// <summary>R1 with the default protocol, its results stored in <paramref name="folder"/>.</summary>
    public Experiments.PerturbedQueryProbingEstimator SuppressUnderPerturbation(
        string modelPath,
        string? folder = null,
        ModelLoadOptions? modelLoad = null
    ) =>
        SuppressUnderPerturbation(
            new Experiments.PerturbedQueryStageOptions
            {
                ModelPath = modelPath,
                Folder = Full(folder),
                Load = modelLoad ?? new(),
            }
        );

    /// <summary>R2: ×2 on the DKN, knowledge neurons and matched random sets for perturbed queries the unmodified
    /// model fails while it answers the clean one; collateral change on the clean query and unrelated facts.</summary>
    public Experiments.PerturbedQueryProbingEstimator EnhanceOnFailedQueries(
        Experiments.PerturbedQueryStageOptions options
    ) =>
        new(
            options with
            {
                Experiment = MlNetDkn.Experiments.Robustness.PerturbedQueryExperiment.Enhancement,
            },
            Context
        );

    /// <summary>R2 with the default protocol, its results stored in <paramref name="folder"/>.</summary>
    public Experiments.PerturbedQueryProbingEstimator EnhanceOnFailedQueries(
        string modelPath,
        string? folder = null,
        ModelLoadOptions? modelLoad = null
    ) =>
        EnhanceOnFailedQueries(
            new Experiments.PerturbedQueryStageOptions
            {
                ModelPath = modelPath,
                Folder = Full(folder),
                Load = modelLoad ?? new(),
            }
        );

    /// <summary>R3: fact checking with relation-level DKN / knowledge-neuron sets and thresholds learned at
    /// Fit.</summary>
    public Experiments.FactCheckingEstimator FactCheck(Experiments.FactCheckStageOptions options) =>
        new(options, Context);

    /// <summary>R3 with the default protocol, its results stored in <paramref name="folder"/>.</summary>
    public Experiments.FactCheckingEstimator FactCheck(
        string modelPath,
        string? folder = null,
        ModelLoadOptions? modelLoad = null
    ) =>
        FactCheck(
            new Experiments.FactCheckStageOptions
            {
                ModelPath = modelPath,
                Folder = Full(folder),
                Load = modelLoad ?? new(),
            }
        );

    /// <summary>E1/E2: fine-tune copies of the model on new facts with only DKN / knowledge-neuron / matched random
    /// neurons (or everything) trainable, and measure which neurons a full fine-tune changes.</summary>
    public Experiments.NeuronFineTuningEstimator FineTuneNeurons(Experiments.FineTuneNeuronsStageOptions options) =>
        new(options, Context);

    /// <summary>E1/E2 with the default protocol: the facts of <paramref name="newFactsPath"/> (Parquet) are the
    /// updated versions of facts in the data; results stored in <paramref name="folder"/>.</summary>
    public Experiments.NeuronFineTuningEstimator FineTuneNeurons(
        string modelPath,
        string newFactsPath,
        string? folder = null,
        ModelLoadOptions? modelLoad = null
    ) =>
        FineTuneNeurons(
            new Experiments.FineTuneNeuronsStageOptions
            {
                ModelPath = modelPath,
                NewFactsPath = newFactsPath,
                Folder = Full(folder),
                Load = modelLoad ?? new(),
            }
        );

    /// <summary>Planted benchmark: the true knowledge neurons of each planted fact as the knowledge-neuron
    /// columns.</summary>
    public Planted.PlantedNeuronAssigningEstimator PlantedNeurons(Planted.PlantedStageOptions options) =>
        new(options with { ModelPath = Path.GetFullPath(options.ModelPath) }, Context);

    /// <summary>The true knowledge neurons of the planted model at <paramref name="modelPath"/>.</summary>
    public Planted.PlantedNeuronAssigningEstimator PlantedNeurons(string modelPath, string? folder = null) =>
        PlantedNeurons(new Planted.PlantedStageOptions { ModelPath = modelPath, Folder = Full(folder) });

    /// <summary>Planted benchmark: scores every DKN column group of the data against the planted truth.</summary>
    public Planted.PlantedScoringEstimator ScorePlanted(Planted.PlantedStageOptions options) =>
        new(options with { ModelPath = Path.GetFullPath(options.ModelPath) }, Context);

    /// <summary>Scores the DKN columns of the data against the truth of the planted model at
    /// <paramref name="modelPath"/>.</summary>
    public Planted.PlantedScoringEstimator ScorePlanted(string modelPath, string? folder = null) =>
        ScorePlanted(new Planted.PlantedStageOptions { ModelPath = modelPath, Folder = Full(folder) });

    static string? Full(string? folder) => folder is null ? null : Path.GetFullPath(folder);

    // ---- metrics ----------------------------------------------------------------------------------------------

    /// <summary>Knowledge neurons per fact, answer probability and the completeness error's distribution, from the
    /// attribution columns: the same numbers as the attribution_summary table.</summary>
    /// <param name="completenessIsExact">False when the scores used the activation multiplier (then the "error" is a
    /// sum gap).</param>
    public AttributionMetrics EvaluateAttribution(IDataView data, bool completenessIsExact = true) =>
        StageEvaluation.Attribution(data, completenessIsExact);

    /// <summary>Per method: facts, facts with a DKN, components, subset vs whole-DKN changes, and the degeneracy
    /// curve per DKN size, from the DKN columns: the same numbers as the dkn_summary and degeneracy_curve
    /// tables.</summary>
    /// <param name="columnSuffix">The DKN stage's <see cref="DegenerateNeuronStageOptions.ColumnSuffix"/>.</param>
    public DknMetrics EvaluateDegenerateNeurons(IDataView data, string columnSuffix = "") =>
        StageEvaluation.Dkn(data, columnSuffix);

    // ---- outputs and persistence ------------------------------------------------------------------------------

    /// <summary>Writes every visible column of <paramref name="data"/> to <c>folder/name.parquet</c> and
    /// <c>folder/name.csv</c> (vectors as lists in Parquet, ';'-joined in CSV), with provenance metadata.</summary>
    public (string Parquet, string Csv) WriteTable(
        IDataView data,
        string folder,
        string name,
        IReadOnlyDictionary<string, string>? metadata = null
    ) => DataViewTables.Write(data, folder, name, metadata);

    /// <summary>
    /// Saves a fitted pipeline (any mix of these stages and built-in ML.NET transformers) to one archive: the built-in
    /// parts as ML.NET model zips, these stages as settings with the model's content hash and its path relative to the
    /// archive (weights are not copied; move the archive and model together, or pass the model's folder to Load).
    /// </summary>
    public void Save(ITransformer model, DataViewSchema inputSchema, string path) =>
        PipelineArchive.Save(Context, model, inputSchema, path);

    /// <summary>
    /// Disposes every stage of this library in <paramref name="model"/> (nested chains included), even when ML.NET
    /// already marked the chain disposed because a prediction engine created from it was disposed.
    /// </summary>
    public static void Release(ITransformer model)
    {
        if (model is IEnumerable<ITransformer> chain)
            foreach (var t in chain)
                Release(t);
        else if (model is Stages.IFactStage && model is IDisposable d)
            d.Dispose();
        (model as IDisposable)?.Dispose();
    }

    /// <summary>Loads a pipeline written by <see cref="Save"/>. The model is found relative to the archive (as it was
    /// when saved) or at <paramref name="modelFolder"/>; a model whose content hash differs from the one the pipeline
    /// was fitted with is refused, as is a damaged or tampered archive (one <see cref="DknInputException"/> line).
    /// Dispose the result to release models and stores.</summary>
    /// <param name="modelLoad">Device, dtype and threads to use instead of the saved ones (null keeps them).</param>
    /// <param name="modelFolder">The model to use when it has moved (a folder or llama2.c checkpoint); null: the saved
    /// path, relative to the archive.</param>
    public TransformerChain<ITransformer> Load(
        string path,
        out DataViewSchema inputSchema,
        ModelLoadOptions? modelLoad = null,
        string? modelFolder = null
    ) => PipelineArchive.Load(Context, path, out inputSchema, new ArchiveOpenOptions(modelLoad, modelFolder));
}
