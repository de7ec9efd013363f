using System.ComponentModel;
using System.Globalization;
using MlNetDkn.Facts;
using MlNetDkn.Pipelines;
using MlNetDkn.Training;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>`dkn train --data facts.parquet --out DIR [options]`: trains the built-in fact model and saves a HF
/// folder.</summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    static readonly FactModelTrainingOptions Defaults = new();

    public sealed class Settings : CommandSettings
    {
        [CommandOption("-d|--data <PARQUET>")]
        [Description("Fact dataset (Parquet) to learn (required)")]
        public string? Data { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Folder to write the model into (required)")]
        public string? Out { get; init; }

        [CommandOption("--family <NAME>")]
        [Description("gpt2 or llama. Default gpt2")]
        public string Family { get; init; } = "gpt2";

        [CommandOption("--layers <N>")]
        [Description("Transformer blocks. Default 2")]
        public int Layers { get; init; } = Defaults.Layers;

        [CommandOption("--hidden-size <N>")]
        [Description("d_model. Default 128")]
        public int HiddenSize { get; init; } = Defaults.HiddenSize;

        [CommandOption("--heads <N>")]
        [Description("Attention heads. Default 4")]
        public int Heads { get; init; } = Defaults.Heads;

        [CommandOption("--intermediate-size <N>")]
        [Description("MLP neurons per layer (d_ff). Default 512")]
        public int IntermediateSize { get; init; } = Defaults.IntermediateSize;

        [CommandOption("--max-positions <N>")]
        [Description("Longest prompt + answer in tokens. Default 32")]
        public int MaxPositions { get; init; } = Defaults.MaxPositions;

        [CommandOption("--epochs <N>")]
        [Description("Passes over the training prompts (at most). Default 40")]
        public int Epochs { get; init; } = Defaults.Epochs;

        [CommandOption("--batch-size <N>")]
        [Description("Examples per optimiser step. Default 64")]
        public int BatchSize { get; init; } = Defaults.BatchSize;

        [CommandOption("--lr <RATE>")]
        [Description("Peak AdamW learning rate. Default 0.003")]
        public double LearningRate { get; init; } = Defaults.LearningRate;

        [CommandOption("--schedule <NAME>")]
        [Description("cosine, linear or constant. Default cosine")]
        public string Schedule { get; init; } = "cosine";

        [CommandOption("--weight-decay <W>")]
        [Description("AdamW weight decay on matrices. Default 0.01")]
        public double WeightDecay { get; init; } = Defaults.WeightDecay;

        [CommandOption("--loss <TARGET>")]
        [Description("answer (answer tokens only) or all (every token, answer weighted). Default all")]
        public string Loss { get; init; } = "all";

        [CommandOption("--mlp-dropout <P>")]
        [Description("Dropout on MLP neuron outputs during training. Default 0")]
        public double MlpDropout { get; init; }

        [CommandOption("--label-smoothing <E>")]
        [Description("Label smoothing of the loss. Default 0")]
        public double LabelSmoothing { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed for initial weights and example order. Default 7")]
        public int Seed { get; init; } = Defaults.Seed;

        [CommandOption("--device <DEVICE>")]
        [Description("cpu, cuda or cuda:N")]
        public string Device { get; init; } = "cpu";

        [CommandOption("--threads <N>")]
        [Description("libtorch CPU threads (0 = libtorch default)")]
        public int Threads { get; init; }

        [CommandOption("--stop-at-accuracy <A>")]
        [Description("Stop once training-prompt accuracy reaches A (0 = never). Default 0.995")]
        public double StopAtAccuracy { get; init; } = Defaults.StopAtAccuracy;

        public FactModelTrainingOptions ToOptions() =>
            Defaults with
            {
                Family = OptionParsing.Family(Family),
                Layers = Layers,
                HiddenSize = HiddenSize,
                Heads = Heads,
                IntermediateSize = IntermediateSize,
                MaxPositions = MaxPositions,
                Epochs = Epochs,
                BatchSize = BatchSize,
                LearningRate = LearningRate,
                Schedule = OptionParsing.Enum<LearningRateSchedule>(Schedule, "schedule"),
                WeightDecay = WeightDecay,
                Loss = OptionParsing.Enum<LossTarget>(Loss, "loss"),
                Seed = Seed,
                Threads = Threads,
                Device = Device,
                StopAtAccuracy = StopAtAccuracy,
                MlpDropout = MlpDropout,
                LabelSmoothing = LabelSmoothing,
            };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Data))
            throw new DknInputException("train: missing --data (expected a fact Parquet file)");
        if (string.IsNullOrWhiteSpace(settings.Out))
            throw new DknInputException("train: missing --out (expected the model folder to write)");
        var options = settings.ToOptions();
        options.Validate();
        var dataset = FactDataset.Read(settings.Data);
        using var trained = new ConsoleReporter().Track("training", progress =>
            FactModelTrainer.Train(dataset, options, new TrainingStepProgress(progress), cancellationToken)
        );
        trained.Save(settings.Out);
        File.WriteAllText(Path.Combine(settings.Out, FactModelCache.CompleteMarker), DateTime.UtcNow.ToString("O"));
        var log = trained.Log;
        Console.Out.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"trained {log.Parameters:N0} parameters on {log.TrainingExamples:N0} prompts in "
                    + $"{log.TrainingSeconds:0.0} s ({log.Epochs.Count} epochs): "
                    + $"train accuracy {log.FinalTrainAccuracy:P1}, held-out accuracy "
                    + $"{log.FinalHeldoutAccuracy:P1} -> {settings.Out}"
            )
        );
        return 0;
    }
}
