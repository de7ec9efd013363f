using System.Globalization;
using System.Text.Json.Nodes;
using MlNetDkn.Modeling;
using MlNetDkn.Training;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>
/// `train-fact-model`: trains the built-in fact model on the run's dataset, or reuses the cached model trained on
/// the same dataset with the same options, then copies it into the output folder (unless copy_to_output is false).
/// </summary>
public sealed class TrainFactModelStep : ISourceStep
{
    static readonly FactModelTrainingOptions D = new();

    /// <inheritdoc/>
    public string Name => "train-fact-model";

    /// <inheritdoc/>
    public string Description => "Train (or reuse from the cache) the built-in GPT-2/LLaMA fact model on the dataset.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.Model];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<TrainFactModelSettings>();

    /// <summary>The training options the step's options describe; the seed falls back to
    /// <paramref name="pipelineSeed"/> and an unset device means cpu.</summary>
    public static FactModelTrainingOptions ToTrainingOptions(TrainFactModelSettings s, int pipelineSeed) =>
        D with
        {
            Family = s.Family == "llama" ? ModelFamily.Llama : ModelFamily.Gpt2,
            Layers = s.Layers,
            HiddenSize = s.HiddenSize,
            Heads = s.Heads,
            IntermediateSize = s.IntermediateSize,
            MaxPositions = s.MaxPositions,
            TieEmbeddings = s.TieEmbeddings,
            Epochs = s.Epochs,
            BatchSize = s.BatchSize,
            LearningRate = s.LearningRate,
            MinLearningRateRatio = s.MinLrRatio,
            WarmupFraction = s.WarmupFraction,
            Schedule = Enum.Parse<LearningRateSchedule>(s.Schedule, ignoreCase: true),
            WeightDecay = s.WeightDecay,
            GradientClip = s.GradClip,
            Loss = Enum.Parse<LossTarget>(s.Loss, ignoreCase: true),
            AnswerWeight = s.AnswerWeight,
            MlpDropout = s.MlpDropout,
            LabelSmoothing = s.LabelSmoothing,
            MlpGroups = s.MlpGroups,
            GroupDropout = s.GroupDropout,
            ActivationL1 = s.ActivationL1,
            Seed = s.Seed ?? pipelineSeed,
            EvalEvery = s.EvalEvery,
            StopAtAccuracy = s.StopAtAccuracy,
            Device = s.Device ?? "cpu",
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToTrainingOptions(StepSettings.Bind<TrainFactModelSettings>(o), 0).Validate();
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var dataset = context.RequireDataset(Name);
        var s = StepSettings.Bind<TrainFactModelSettings>(o);
        var options = ToTrainingOptions(s, context.Seed) with
        {
            Device = s.Device ?? context.ModelLoad.Device,
            Threads = context.ModelLoad.Threads,
        };
        var cacheRoot = s.Cache ?? context.CacheFolder;
        var cached = context.Reporter.Track("training", progress =>
            FactModelCache.GetOrTrain(
                dataset,
                options,
                cacheRoot,
                new TrainingStepProgress(progress),
                context.CancellationToken
            )
        );
        var log = cached.Log;
        context.Reporter.Info(
            cached.Reused
                ? $"  reused cached model {cached.Key} ({cached.Folder})"
                : $"  trained in {log.TrainingSeconds:0.0} s, {log.Epochs.Count} epochs -> cache {cached.Key}"
        );
        context.Reporter.Info(
            string.Create(
                CultureInfo.InvariantCulture,
                $"  training-prompt accuracy {log.FinalTrainAccuracy:P1}, held-out accuracy "
                    + $"{log.FinalHeldoutAccuracy:P1}"
            )
        );

        var folder = cached.Folder;
        if (s.CopyToOutput)
        {
            folder = context.OutputPath(s.Folder);
            CopyFolder(cached.Folder, folder);
            context.RecordOutput("model", folder);
        }
        var plot = context.OutputPath(TrainedFactModel.LossPlotFile);
        File.Copy(Path.Combine(cached.Folder, TrainedFactModel.LossPlotFile), plot, overwrite: true);
        context.RecordOutput("loss_plot", plot);

        context.SetModel(
            folder,
            cached.ContentHash,
            new JsonObject
            {
                ["family"] = options.Family.ToString(),
                ["parameters"] = log.Parameters,
                ["cache_folder"] = cached.Folder,
                ["cache_key"] = cached.Key,
                ["reused_from_cache"] = cached.Reused,
                ["epochs_run"] = log.Epochs.Count,
                ["training_seconds"] = Math.Round(log.TrainingSeconds, 3),
                ["final_train_accuracy"] = log.FinalTrainAccuracy,
                ["final_heldout_accuracy"] = double.IsNaN(log.FinalHeldoutAccuracy) ? null : log.FinalHeldoutAccuracy,
                ["training_threads"] = log.Threads,
            }
        );
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }
}

/// <summary>The options of <see cref="TrainFactModelStep"/>; the defaults are
/// <see cref="FactModelTrainingOptions"/>'s.</summary>
public sealed record TrainFactModelSettings
{
    static readonly FactModelTrainingOptions D = new();

    /// <summary>Architecture.</summary>
    [StepOption("Architecture", "gpt2", "llama")]
    public string Family { get; init; } = "gpt2";

    /// <summary>Transformer blocks.</summary>
    [StepOption("Transformer blocks")]
    public int Layers { get; init; } = D.Layers;

    /// <summary>d_model.</summary>
    [StepOption("d_model")]
    public int HiddenSize { get; init; } = D.HiddenSize;

    /// <summary>Attention heads.</summary>
    [StepOption("Attention heads")]
    public int Heads { get; init; } = D.Heads;

    /// <summary>MLP neurons per layer (d_ff).</summary>
    [StepOption("MLP neurons per layer (d_ff)")]
    public int IntermediateSize { get; init; } = D.IntermediateSize;

    /// <summary>Longest prompt + answer in tokens.</summary>
    [StepOption("Longest prompt + answer in tokens")]
    public int MaxPositions { get; init; } = D.MaxPositions;

    /// <summary>Share the input embedding with the LM head.</summary>
    [StepOption("Share the input embedding with the LM head")]
    public bool TieEmbeddings { get; init; } = D.TieEmbeddings;

    /// <summary>Passes over the training prompts (at most, with stop_at_accuracy).</summary>
    [StepOption("Passes over the training prompts (at most, with stop_at_accuracy)")]
    public int Epochs { get; init; } = D.Epochs;

    /// <summary>Examples per optimiser step.</summary>
    [StepOption("Examples per optimiser step")]
    public int BatchSize { get; init; } = D.BatchSize;

    /// <summary>Peak AdamW learning rate.</summary>
    [StepOption("Peak AdamW learning rate")]
    public double LearningRate { get; init; } = D.LearningRate;

    /// <summary>Final learning rate as a fraction of the peak.</summary>
    [StepOption("Final learning rate as a fraction of the peak")]
    public double MinLrRatio { get; init; } = D.MinLearningRateRatio;

    /// <summary>Linear warm-up as a fraction of all steps.</summary>
    [StepOption("Linear warm-up as a fraction of all steps")]
    public double WarmupFraction { get; init; } = D.WarmupFraction;

    /// <summary>Decay after warm-up.</summary>
    [StepOption("Decay after warm-up", "cosine", "linear", "constant")]
    public string Schedule { get; init; } = "cosine";

    /// <summary>AdamW weight decay on matrices.</summary>
    [StepOption("AdamW weight decay on matrices")]
    public double WeightDecay { get; init; } = D.WeightDecay;

    /// <summary>Gradient norm clip (0 = off).</summary>
    [StepOption("Gradient norm clip (0 = off)")]
    public double GradClip { get; init; } = D.GradientClip;

    /// <summary>all: every token, answer weighted (fastest); answer: answer tokens only.</summary>
    [StepOption("all: every token, answer weighted (fastest); answer: answer tokens only", "all", "answer")]
    public string Loss { get; init; } = "all";

    /// <summary>With loss=all, weight of answer positions.</summary>
    [StepOption("With loss=all, weight of answer positions")]
    public double AnswerWeight { get; init; } = D.AnswerWeight;

    /// <summary>Dropout on MLP neuron outputs during training (0 = off).</summary>
    [StepOption("Dropout on MLP neuron outputs during training (0 = off)")]
    public double MlpDropout { get; init; } = D.MlpDropout;

    /// <summary>Label smoothing of the loss (0 = off).</summary>
    [StepOption("Label smoothing of the loss (0 = off)")]
    public double LabelSmoothing { get; init; } = D.LabelSmoothing;

    /// <summary>Pathway dropout: neuron groups per layer (0 = off).</summary>
    [StepOption("Pathway dropout: neuron groups per layer (0 = off)")]
    public int MlpGroups { get; init; } = D.MlpGroups;

    /// <summary>Pathway dropout: chance an example loses a group (in every layer).</summary>
    [StepOption("Pathway dropout: chance an example loses a group (in every layer)")]
    public double GroupDropout { get; init; } = D.GroupDropout;

    /// <summary>L1 penalty on MLP neuron outputs (0 = off).</summary>
    [StepOption("L1 penalty on MLP neuron outputs (0 = off)")]
    public double ActivationL1 { get; init; } = D.ActivationL1;

    /// <summary>Training seed (default: the pipeline seed).</summary>
    [StepOption("Training seed (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>Full evaluation every N epochs.</summary>
    [StepOption("Full evaluation every N epochs")]
    public int EvalEvery { get; init; } = D.EvalEvery;

    /// <summary>Stop once training-prompt accuracy reaches this (0 = never).</summary>
    [StepOption("Stop once training-prompt accuracy reaches this (0 = never)")]
    public double StopAtAccuracy { get; init; } = D.StopAtAccuracy;

    /// <summary>Model cache folder (default: --cache, else .cache/models).</summary>
    [StepOption("Model cache folder (default: --cache, else .cache/models)")]
    public string? Cache { get; init; }

    /// <summary>Training device: cpu, cuda or cuda:N (default: the pipeline's device; CUDA needs the TorchBackend=cuda
    /// build).</summary>
    [StepOption(
        "Training device: cpu, cuda or cuda:N (default: the pipeline's device; CUDA needs the "
            + "TorchBackend=cuda build)"
    )]
    public string? Device { get; init; }

    /// <summary>Copy the model folder into the output folder (else the run references the cache).</summary>
    [StepOption("Copy the model folder into the output folder (else the run references the cache)")]
    public bool CopyToOutput { get; init; } = true;

    /// <summary>Model folder name inside the output folder.</summary>
    [StepOption("Model folder name inside the output folder")]
    public string Folder { get; init; } = "model";
}
