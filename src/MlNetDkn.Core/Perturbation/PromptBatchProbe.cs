using MlNetDkn.Modeling;
using MlNetDkn.Perturbation.Internal;
using static TorchSharp.torch;

namespace MlNetDkn.Perturbation;

/// <summary>
/// Many different prompts, each with its answer, scored with the unmodified model in right-padded batches (causal
/// attention never looks forward, so padding after a row cannot change its real positions). Accuracy tables and the
/// fact-model trainer's evaluations use it.
/// </summary>
public static class PromptBatchProbe
{
    /// <summary>One score per item, in order, with the model in evaluation mode (its training mode is restored
    /// after).</summary>
    /// <param name="padId">Token id the rows are right-padded with (never read by the real positions).</param>
    public static AnswerScore[] Score(
        CausalLm model,
        IReadOnlyList<(long[] Prompt, long[] Answer)> items,
        int batchSize = 256,
        long padId = 0
    )
    {
        if (batchSize < 1)
            throw new DknInputException($"batch size must be at least 1 (got {batchSize})");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var scores = new AnswerScore[items.Count];
            for (int start = 0; start < items.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var rows = items.Skip(start).Take(batchSize).ToList();
                foreach (var (p, a) in rows)
                    ProbeInput.Check(model, p, a);
                int length = rows.Max(r => r.Prompt.Length + r.Answer.Length - 1);
                var tokens = new long[rows.Count * length];
                Array.Fill(tokens, padId);
                for (int i = 0; i < rows.Count; i++)
                {
                    long[] sequence = [.. rows[i].Prompt, .. rows[i].Answer[..^1]];
                    Array.Copy(sequence, 0, tokens, i * length, sequence.Length);
                }
                var logits = model.Forward(tensor(tokens, [rows.Count, length], device: model.Device)); // [B, T, V]
                for (int i = 0; i < rows.Count; i++)
                {
                    var (prompt, answer) = rows[i];
                    var predicting = logits[
                        TensorIndex.Slice(i, i + 1),
                        TensorIndex.Slice(prompt.Length - 1, prompt.Length - 1 + answer.Length)
                    ];
                    scores[start + i] = AnswerScoring.Of(predicting, answer)[0]; // [1, T_a, V]
                }
            }
            return scores;
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
