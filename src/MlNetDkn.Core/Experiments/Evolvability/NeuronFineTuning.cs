using System.Text.RegularExpressions;
using MlNetDkn.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>How a neuron-restricted fine-tune runs.</summary>
public sealed record FineTuneOptions
{
    /// <summary>Adam's learning rate (no weight decay); must be positive.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>Passes over the examples (at least 1).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Examples per batch (at least 1); the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Seed of the example shuffling and of torch's generator.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The authors' freeze_finetune.py: only the chosen neurons' input weights (GPT-2 c_fc column and bias) are
    /// masked in, but the token and position embeddings, the (tied) LM head and the final norm stay trainable, so
    /// the model can learn outside the chosen neurons.
    /// </summary>
    public bool AuthorsLeaky { get; init; }

    /// <summary>The authors' double optimizer step per batch (their training_step steps, then the trainer's loop
    /// again).</summary>
    public bool AuthorsDoubleStep { get; init; }

    /// <summary>Throws <see cref="DknInputException"/> when the learning rate, epochs or batch size is out of
    /// range.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0))
            throw new DknInputException($"fine-tuning: learning rate must be positive (got {LearningRate})");
        if (Epochs < 1)
            throw new DknInputException($"fine-tuning: epochs must be at least 1 (got {Epochs})");
        if (BatchSize < 1)
            throw new DknInputException($"fine-tuning: batch size must be at least 1 (got {BatchSize})");
    }
}

/// <summary>What a fine-tune did: trainable parameters (entries the optimizer may change), optimizer steps,
/// losses.</summary>
public sealed record FineTuneResult(long TrainableParameters, int OptimizerSteps, IReadOnlyList<double> EpochLosses);

/// <summary>
/// Fine-tunes a model in place on (prompt, answer) examples with only chosen neurons trainable: every parameter is
/// frozen except the chosen neurons' input weights and biases and output weights (any architecture, through
/// <see cref="MlpBlock.NeuronParameters"/>), whose gradients are masked to those neurons' slices; Adam without
/// weight decay, so entries with zero gradient never move; one optimizer step per batch. Null neurons train every
/// parameter. The loss is the teacher-forced cross-entropy of the answer tokens.
/// </summary>
public static partial class NeuronFineTuning
{
    [GeneratedRegex(@"(^|\.)(h|layers)\.\d+\.")]
    private static partial Regex BlockParameter();

    /// <summary>Fine-tunes <paramref name="model"/> in place on the examples; null <paramref name="neurons"/> trains
    /// every parameter. Throws <see cref="DknInputException"/> when there are no examples.</summary>
    public static FineTuneResult Train(
        CausalLm model,
        IReadOnlyList<(long[] Prompt, long[] Answer)> examples,
        IReadOnlyCollection<Neuron>? neurons,
        FineTuneOptions options
    )
    {
        options.Validate();
        if (examples.Count == 0)
            throw new DknInputException("fine-tuning: no examples");
        var (trainable, masks, count) = Masks(model, neurons, options.AuthorsLeaky);
        using var optimizer = optim.Adam(trainable, options.LearningRate, weight_decay: 0);
        var rng = new Random(options.Seed);
        manual_seed(options.Seed);
        var losses = new List<double>();
        int steps = 0;
        model.train();
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                var order = Enumerable.Range(0, examples.Count).OrderBy(_ => rng.Next()).ToArray();
                double total = 0;
                for (int start = 0; start < order.Length; start += options.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    var batch = order.Skip(start).Take(options.BatchSize).Select(i => examples[i]).ToList();
                    var loss = Loss(model, batch);
                    loss.backward();
                    foreach (var (p, m) in masks)
                        p.grad?.mul_(m);
                    optimizer.step();
                    steps++;
                    if (options.AuthorsDoubleStep)
                    {
                        optimizer.step();
                        steps++;
                    }
                    total += loss.item<float>() * batch.Count;
                }
                losses.Add(total / examples.Count);
            }
        }
        finally
        {
            model.eval();
            foreach (var (p, m) in masks)
                m.Dispose();
            foreach (var p in model.parameters())
                p.requires_grad = false;
        }
        return new FineTuneResult(count, steps, losses);
    }

    /// <summary>Trainable parameters, their gradient masks, and the number of entries that may change.</summary>
    public static (List<Parameter> Trainable, List<(Parameter Parameter, Tensor Mask)> Masks, long Count) Masks(
        CausalLm model,
        IReadOnlyCollection<Neuron>? neurons,
        bool authorsLeaky
    )
    {
        var trainable = new List<Parameter>();
        var masks = new List<(Parameter, Tensor)>();
        long count = 0;
        foreach (var p in model.parameters())
            p.requires_grad = false;
        if (neurons is null)
        {
            foreach (var p in model.parameters())
            {
                p.requires_grad = true;
                trainable.Add(p);
                count += p.numel();
            }
            return (trainable, masks, count);
        }
        foreach (var n in neurons)
            if (
                n.Layer < 0
                || n.Layer >= model.Config.NumLayers
                || n.Index < 0
                || n.Index >= model.Config.IntermediateSize
            )
                throw new DknInputException(
                    $"fine-tuning: neuron {n} is outside the model ({model.Config.NumLayers} layers × "
                        + $"{model.Config.IntermediateSize})"
                );
        foreach (var layer in neurons.GroupBy(n => n.Layer))
        {
            var index = layer.Select(n => (long)n.Index).Distinct().ToArray();
            foreach (var (p, dim, isInput) in model.Blocks[layer.Key].Mlp.NeuronParameters)
            {
                if (authorsLeaky && !isInput)
                    continue;
                using var noGrad = no_grad();
                var mask = zeros_like(p);
                mask.index_fill_(dim, tensor(index, device: p.device), 1.0);
                p.requires_grad = true;
                trainable.Add(p);
                masks.Add((p, mask.DetachFromDisposeScope()));
                count += (long)mask.sum().item<float>();
            }
        }
        if (authorsLeaky)
            foreach (var (name, p) in model.named_parameters())
                if (!BlockParameter().IsMatch(name) && !trainable.Contains(p))
                {
                    p.requires_grad = true;
                    trainable.Add(p);
                    count += p.numel();
                }
        return (trainable, masks, count);
    }

    /// <summary>Mean over examples of −Σ log P(answer token | gold prefix), right-padded batches.</summary>
    static Tensor Loss(CausalLm model, IReadOnlyList<(long[] Prompt, long[] Answer)> batch)
    {
        int length = batch.Max(b => b.Prompt.Length + b.Answer.Length - 1);
        var tokens = new long[batch.Count * length];
        var targets = Enumerable.Repeat(-100L, batch.Count * length).ToArray();
        for (int i = 0; i < batch.Count; i++)
        {
            long[] sequence = [.. batch[i].Prompt, .. batch[i].Answer[..^1]];
            Array.Copy(sequence, 0, tokens, i * length, sequence.Length);
            for (int t = 0; t < batch[i].Answer.Length; t++)
                targets[i * length + batch[i].Prompt.Length - 1 + t] = batch[i].Answer[t];
        }
        var logits = model.Forward(tensor(tokens, [batch.Count, length], device: model.Device)); // [B, T, V]
        var target = tensor(targets, [batch.Count * length], device: model.Device);
        var flat = logits.reshape(batch.Count * length, -1);
        var summed = nn.functional.cross_entropy(flat, target, ignore_index: -100, reduction: nn.Reduction.Sum);
        return summed / batch.Count;
    }
}
