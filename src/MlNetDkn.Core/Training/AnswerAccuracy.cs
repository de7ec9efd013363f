using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Training.Internal;
using static TorchSharp.torch;

namespace MlNetDkn.Training;

/// <summary>Prompt kinds scored by <see cref="AnswerAccuracy"/>: the FactRecord list each prompt comes from.</summary>
public static class PromptKinds
{
    public const string Prompts = "prompts";
    public const string Heldout = "heldout_prompts";
}

/// <summary>Top-1 answer accuracy of one (split, prompt kind) group.</summary>
public sealed record AccuracyRow(string Split, string PromptKind, int Facts, int Prompts, int Correct)
{
    public double Accuracy => Prompts == 0 ? double.NaN : (double)Correct / Prompts;
}

/// <summary>
/// Top-1 answer accuracy: a prompt counts as correct when the argmax of the next-token logits after it equals the
/// first token of its answer (synthetic answers are single words, hence single tokens).
/// </summary>
public static class AnswerAccuracy
{
    /// <summary>Accuracy over all prompts of <paramref name="kind"/> (training prompts or held-out paraphrases).</summary>
    public static double Evaluate(CausalLm model, ITextTokenizer tokenizer, FactDataset dataset, string kind, int batchSize = 256)
    {
        var examples = TrainingExample.From(dataset, tokenizer, heldout: kind == PromptKinds.Heldout);
        return examples.Count == 0 ? double.NaN : (double)CountCorrect(model, examples, batchSize) / examples.Count;
    }

    /// <summary>One row per (split, prompt kind) that has prompts, in split order of first appearance.</summary>
    public static IReadOnlyList<AccuracyRow> Table(CausalLm model, ITextTokenizer tokenizer, FactDataset dataset, int batchSize = 256)
    {
        var rows = new List<AccuracyRow>();
        foreach (var split in dataset.Records.GroupBy(r => r.Split, StringComparer.Ordinal))
        {
            var subset = new FactDataset(split, $"split {split.Key}");
            foreach (var kind in new[] { PromptKinds.Prompts, PromptKinds.Heldout })
            {
                var examples = TrainingExample.From(subset, tokenizer, heldout: kind == PromptKinds.Heldout);
                if (examples.Count == 0) continue;
                rows.Add(new AccuracyRow(split.Key, kind, subset.Count, examples.Count, CountCorrect(model, examples, batchSize)));
            }
        }
        return rows;
    }

    internal static int CountCorrect(CausalLm model, IReadOnlyList<TrainingExample> examples, int batchSize)
    {
        bool wasTraining = model.training;
        model.eval();
        using var noGrad = no_grad();
        int correct = 0;
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var rows = examples.Skip(start).Take(batchSize).Select(e => e with { Answer = [e.Answer[0]] }).ToList();
            var batch = PaddedBatch.Build(rows, padId: 0, answerWeight: 1, promptWeight: 0, device: model.Device);
            var logits = model.Forward(batch.Tokens);                                       // [B, T, V]
            var predicted = batch.AnswerLogits(logits).argmax(-1);                          // [B]
            correct += (int)predicted.eq(batch.FirstAnswerTokens).sum().item<long>();
        }
        model.train(wasTraining);
        return correct;
    }
}
