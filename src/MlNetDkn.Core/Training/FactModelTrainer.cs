using System.Diagnostics;
using System.Text.Json.Nodes;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Training.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetDkn.Training;

/// <summary>
/// Trains the built-in fact model from scratch: every training prompt followed by its answer is one example, the
/// loss is next-token cross-entropy on the answer token(s) (or on all tokens, answer weighted), AdamW with warm-up
/// and cosine/linear decay. Seeded: torch.manual_seed for the initial weights, System.Random(seed) for the order.
/// </summary>
public static class FactModelTrainer
{
    /// <summary>Trains a new model on the dataset (options validated first); the caller owns and must dispose the
    /// result.</summary>
    public static TrainedFactModel Train(
        FactDataset dataset,
        FactModelTrainingOptions options,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default
    )
    {
        options.Validate();
        if (options.Threads > 0)
            set_num_threads(options.Threads);
        var clock = Stopwatch.StartNew();
        var tokenizer = BuildTokenizer(dataset);
        var train = TrainingExample.From(dataset, tokenizer, heldout: false);
        var heldout = TrainingExample.From(dataset, tokenizer, heldout: true);
        CheckLengths(train.Concat(heldout), options.MaxPositions);

        manual_seed(options.Seed);
        var config = options.ModelConfig(tokenizer.VocabularySize, tokenizer.BosId, tokenizer.EosId);
        var model = ModelLoader.Create(config);
        try
        {
            WeightInitializer.Initialize(model);
            model.to(new ModelLoadOptions { Device = options.Device }.TorchDevice);
            var log = new TrainingLog
            {
                DatasetContentHash = dataset.ContentHash(),
                Seed = options.Seed,
                Options = (JsonObject)JsonNode.Parse(options.ToJson())!,
                VocabularySize = tokenizer.VocabularySize,
                Parameters = model.parameters().Sum(p => p.numel()),
                TrainingExamples = train.Count,
                HeldoutExamples = heldout.Count,
                Threads = get_num_threads(),
            };
            Run(model, train, heldout, options, log, progress, cancellationToken);
            log.TrainingSeconds = clock.Elapsed.TotalSeconds;
            model.eval();
            return new TrainedFactModel(model, tokenizer, log);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The word-level vocabulary of every prompt, held-out prompt and answer of the dataset.</summary>
    public static WordLevelTokenizer BuildTokenizer(FactDataset dataset) =>
        WordLevelTokenizer.Build(dataset.Records.SelectMany(r => r.Prompts.Concat(r.HeldoutPrompts).Append(r.Answer)));

    static void Run(
        CausalLm model,
        List<TrainingExample> train,
        List<TrainingExample> heldout,
        FactModelTrainingOptions o,
        TrainingLog log,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken
    )
    {
        using var optimizer = CreateOptimizer(model, o);
        var random = new Random(o.Seed);
        int stepsPerEpoch = (train.Count + o.BatchSize - 1) / o.BatchSize,
            totalSteps = stepsPerEpoch * o.Epochs,
            step = 0;
        var order = Enumerable.Range(0, train.Count).ToArray();
        double promptWeight = o.Loss == LossTarget.Answer ? 0 : 1,
            answerWeight = o.Loss == LossTarget.Answer ? 1 : o.AnswerWeight;
        model.train();
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            random.Shuffle(order);
            double lossSum = 0,
                lr = 0;
            int seen = 0,
                runningCorrect = 0;
            for (int start = 0; start < order.Length; start += o.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                lr = LearningRates.At(
                    step,
                    totalSteps,
                    o.LearningRate,
                    o.MinLearningRateRatio,
                    o.WarmupFraction,
                    o.Schedule
                );
                foreach (var group in optimizer.ParamGroups)
                    group.LearningRate = lr;
                var rows = order.Skip(start).Take(o.BatchSize).Select(i => train[i]).ToList();
                var batch = PaddedBatch.Build(rows, padId: 0, answerWeight, promptWeight, model.Device);
                Tensor logits;
                var taps =
                    o.ActivationL1 > 0
                        ? Enumerable
                            .Range(0, model.Config.NumLayers)
                            .Select(l => new ActivationTap(l, NeuronSite.Post))
                            .ToArray()
                        : [];
                using (o.MlpDropout > 0 ? model.Intervene(Dropout(model, o.MlpDropout)) : null)
                using (
                    o.MlpGroups > 0 && o.GroupDropout > 0 ? model.Intervene(PathwayDropout(model, rows.Count, o)) : null
                )
                using (model.Intervene(taps))
                    logits = model.Forward(batch.Tokens); // [B, T, V]
                var perToken = nn.functional.cross_entropy(
                    logits.flatten(0, 1),
                    batch.Targets.flatten(),
                    reduction: nn.Reduction.None,
                    label_smoothing: o.LabelSmoothing
                ); // [B·T]
                var weights = batch.Weights.flatten(); // [B·T]
                var loss = (perToken * weights).sum() / weights.sum();
                if (taps.Length > 0)
                    loss =
                        loss
                        + o.ActivationL1
                            * stack(taps.SelectMany(t => t.Seen).Select(a => a.abs().mean()).ToArray()).mean();
                optimizer.zero_grad();
                loss.backward();
                if (o.GradientClip > 0)
                    nn.utils.clip_grad_norm_(model.parameters(), o.GradientClip);
                optimizer.step();

                double value = loss.item<float>();
                runningCorrect += (int)
                    batch.AnswerLogits(logits).argmax(-1).eq(batch.FirstAnswerTokens).sum().item<long>();
                lossSum += value * rows.Count;
                seen += rows.Count;
                log.StepLosses.Add(value);
                step++;
                progress?.Report(new TrainingProgress(epoch, o.Epochs, step, totalSteps, value, lr));
            }

            double? trainAcc = null,
                heldoutAcc = null;
            bool stop = false;
            if (
                epoch % o.EvalEvery == 0
                || epoch == o.Epochs
                || (o.StopAtAccuracy > 0 && (double)runningCorrect / seen >= o.StopAtAccuracy)
            )
            {
                trainAcc = (double)AnswerAccuracy.CountCorrect(model, train, 256) / train.Count;
                heldoutAcc =
                    heldout.Count == 0
                        ? double.NaN
                        : (double)AnswerAccuracy.CountCorrect(model, heldout, 256) / heldout.Count;
                log.FinalTrainAccuracy = trainAcc.Value;
                log.FinalHeldoutAccuracy = heldoutAcc.Value;
                stop = o.StopAtAccuracy > 0 && trainAcc >= o.StopAtAccuracy && epoch < o.Epochs;
                progress?.Report(
                    new TrainingProgress(epoch, o.Epochs, step, totalSteps, lossSum / seen, lr, trainAcc, heldoutAcc)
                );
            }
            log.Epochs.Add(
                new EpochRecord(
                    epoch,
                    lossSum / seen,
                    lr,
                    (double)runningCorrect / seen,
                    trainAcc,
                    heldoutAcc,
                    epochClock.Elapsed.TotalSeconds
                )
            );
            if (stop)
            {
                log.StoppedEarly = true;
                break;
            }
        }
    }

    /// <summary>One mask per example, [B, 1, d_ff], the same in every layer: each group kept with probability 1 − p
    /// (scaled by 1/(1 − p)), at least one group per example.</summary>
    static NeuronIntervention[] PathwayDropout(CausalLm model, int rows, FactModelTrainingOptions o)
    {
        int groups = o.MlpGroups,
            width = model.Config.IntermediateSize;
        var keep = rand(rows, groups, device: model.Device).ge(o.GroupDropout); // [B, G]
        var none = keep.any(1).logical_not(); // [B]: rows that lost every group
        var rescue = nn
            .functional.one_hot(randint(groups, [rows], device: model.Device), groups)
            .to_type(ScalarType.Bool);
        keep = keep.logical_or(rescue.logical_and(none.unsqueeze(1)));
        var mask =
            // [B, 1, d_ff]
            keep.to_type(ScalarType.Float32).repeat_interleave(width / groups, 1).unsqueeze(1) / (1 - o.GroupDropout);
        return Enumerable
            .Range(0, model.Config.NumLayers)
            .Select(l => (NeuronIntervention)new MultiplyActivations(l, NeuronSite.Post, mask))
            .ToArray();
    }

    static NeuronIntervention[] Dropout(CausalLm model, double rate) =>
        Enumerable
            .Range(0, model.Config.NumLayers)
            .Select(l => (NeuronIntervention)new NeuronDropout(l, NeuronSite.Post, rate))
            .ToArray();

    /// <summary>AdamW; decay on matrices only, as in nanoGPT (decaying norms, biases or embeddings slows
    /// memorisation).</summary>
    static AdamW CreateOptimizer(CausalLm model, FactModelTrainingOptions o)
    {
        var named = model.named_parameters().ToList();
        bool Decays((string name, Parameter p) x) =>
            x.p.dim() >= 2 && !x.name.Contains("wte") && !x.name.Contains("wpe") && !x.name.Contains("embed");
        var groups = new[]
        {
            new AdamW.ParamGroup(
                named.Where(Decays).Select(x => x.parameter),
                new AdamW.Options { weight_decay = o.WeightDecay }
            ),
            new AdamW.ParamGroup(
                named.Where(x => !Decays(x)).Select(x => x.parameter),
                new AdamW.Options { weight_decay = 0 }
            ),
        };
        return optim.AdamW(groups, o.LearningRate, beta1: 0.9, beta2: 0.95);
    }

    static void CheckLengths(IEnumerable<TrainingExample> examples, int maxPositions)
    {
        var longest = examples.MaxBy(e => e.Length);
        if (longest != null && longest.Length > maxPositions)
            throw new DknInputException(
                $"a prompt plus its answer is {longest.Length} tokens, more than max-positions {maxPositions}: "
                    + $"raise max-positions"
            );
        if (examples.Any(e => e.Answer.Length == 0))
            throw new DknInputException("an answer has no tokens after tokenization");
    }
}
