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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["family"] = OptionSpec.Text("gpt2", "Architecture", "gpt2", "llama"),
            ["layers"] = OptionSpec.Int(D.Layers, "Transformer blocks"),
            ["hidden_size"] = OptionSpec.Int(D.HiddenSize, "d_model"),
            ["heads"] = OptionSpec.Int(D.Heads, "Attention heads"),
            ["intermediate_size"] = OptionSpec.Int(D.IntermediateSize, "MLP neurons per layer (d_ff)"),
            ["max_positions"] = OptionSpec.Int(D.MaxPositions, "Longest prompt + answer in tokens"),
            ["tie_embeddings"] = OptionSpec.Bool(D.TieEmbeddings, "Share the input embedding with the LM head"),
            ["epochs"] = OptionSpec.Int(D.Epochs, "Passes over the training prompts (at most, with stop_at_accuracy)"),
            ["batch_size"] = OptionSpec.Int(D.BatchSize, "Examples per optimiser step"),
            ["learning_rate"] = OptionSpec.Number(D.LearningRate, "Peak AdamW learning rate"),
            ["min_lr_ratio"] = OptionSpec.Number(
                D.MinLearningRateRatio,
                "Final learning rate as a fraction of the peak"
            ),
            ["warmup_fraction"] = OptionSpec.Number(D.WarmupFraction, "Linear warm-up as a fraction of all steps"),
            ["schedule"] = OptionSpec.Text("cosine", "Decay after warm-up", "cosine", "linear", "constant"),
            ["weight_decay"] = OptionSpec.Number(D.WeightDecay, "AdamW weight decay on matrices"),
            ["grad_clip"] = OptionSpec.Number(D.GradientClip, "Gradient norm clip (0 = off)"),
            ["loss"] = OptionSpec.Text(
                "all",
                "all: every token, answer weighted (fastest); answer: answer tokens only",
                "all",
                "answer"
            ),
            ["answer_weight"] = OptionSpec.Number(D.AnswerWeight, "With loss=all, weight of answer positions"),
            ["mlp_dropout"] = OptionSpec.Number(
                D.MlpDropout,
                "Dropout on MLP neuron outputs during training (0 = off)"
            ),
            ["label_smoothing"] = OptionSpec.Number(D.LabelSmoothing, "Label smoothing of the loss (0 = off)"),
            ["mlp_groups"] = OptionSpec.Int(D.MlpGroups, "Pathway dropout: neuron groups per layer (0 = off)"),
            ["group_dropout"] = OptionSpec.Number(
                D.GroupDropout,
                "Pathway dropout: chance an example loses a group (in every layer)"
            ),
            ["activation_l1"] = OptionSpec.Number(D.ActivationL1, "L1 penalty on MLP neuron outputs (0 = off)"),
            ["seed"] = OptionSpec.Int(null, "Training seed (default: the pipeline seed)"),
            ["eval_every"] = OptionSpec.Int(D.EvalEvery, "Full evaluation every N epochs"),
            ["stop_at_accuracy"] = OptionSpec.Number(
                D.StopAtAccuracy,
                "Stop once training-prompt accuracy reaches this (0 = never)"
            ),
            ["cache"] = OptionSpec.Text(null, "Model cache folder (default: --cache, else .cache/models)"),
            ["device"] = OptionSpec.Text(
                null,
                "Training device: cpu, cuda or cuda:N (default: the pipeline's device; CUDA needs the "
                    + "TorchBackend=cuda build)"
            ),
            ["copy_to_output"] = OptionSpec.Bool(
                true,
                "Copy the model folder into the output folder (else the run references the cache)"
            ),
            ["folder"] = OptionSpec.Text("model", "Model folder name inside the output folder"),
        };

    /// <summary>The training options the step's options describe; the seed falls back to
    /// <paramref name="pipelineSeed"/> and an unset device means cpu.</summary>
    public static FactModelTrainingOptions ToTrainingOptions(ResolvedOptions o, int pipelineSeed) =>
        D with
        {
            Family = o.GetString("family") == "llama" ? ModelFamily.Llama : ModelFamily.Gpt2,
            Layers = o.GetInt("layers"),
            HiddenSize = o.GetInt("hidden_size"),
            Heads = o.GetInt("heads"),
            IntermediateSize = o.GetInt("intermediate_size"),
            MaxPositions = o.GetInt("max_positions"),
            TieEmbeddings = o.GetBool("tie_embeddings"),
            Epochs = o.GetInt("epochs"),
            BatchSize = o.GetInt("batch_size"),
            LearningRate = o.GetDouble("learning_rate"),
            MinLearningRateRatio = o.GetDouble("min_lr_ratio"),
            WarmupFraction = o.GetDouble("warmup_fraction"),
            Schedule = Enum.Parse<LearningRateSchedule>(o.GetString("schedule"), ignoreCase: true),
            WeightDecay = o.GetDouble("weight_decay"),
            GradientClip = o.GetDouble("grad_clip"),
            Loss = Enum.Parse<LossTarget>(o.GetString("loss"), ignoreCase: true),
            AnswerWeight = o.GetDouble("answer_weight"),
            MlpDropout = o.GetDouble("mlp_dropout"),
            LabelSmoothing = o.GetDouble("label_smoothing"),
            MlpGroups = o.GetInt("mlp_groups"),
            GroupDropout = o.GetDouble("group_dropout"),
            ActivationL1 = o.GetDouble("activation_l1"),
            Seed = o.GetInt("seed", pipelineSeed),
            EvalEvery = o.GetInt("eval_every"),
            StopAtAccuracy = o.GetDouble("stop_at_accuracy"),
            Device = o.GetStringOrNull("device") ?? "cpu",
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToTrainingOptions(o, 0).Validate();
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
        var options = ToTrainingOptions(o, context.Seed) with
        {
            Device = o.GetStringOrNull("device") ?? context.ModelLoad.Device,
            Threads = context.ModelLoad.Threads,
        };
        var cacheRoot = o.GetStringOrNull("cache") ?? context.CacheFolder;
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
        if (o.GetBool("copy_to_output"))
        {
            folder = context.OutputPath(o.GetString("folder"));
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
