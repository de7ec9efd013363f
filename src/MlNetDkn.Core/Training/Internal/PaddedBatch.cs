using static TorchSharp.torch;

namespace MlNetDkn.Training.Internal;

/// <summary>
/// Examples padded on the RIGHT to one length. The model has no attention mask, but causal attention never looks
/// forward, so the padding after a row's real tokens cannot change any real position's logits.
/// </summary>
internal sealed class PaddedBatch
{
    /// <summary>[B, T] int64: prompt ids then answer ids, then padding.</summary>
    public required Tensor Tokens { get; init; }

    /// <summary>[B, T] int64: the next token at each position (0 where unused).</summary>
    public required Tensor Targets { get; init; }

    /// <summary>[B, T] float32: loss weight of each position (0 on padding and, for answer-only loss, on the
    /// prompt).</summary>
    public required Tensor Weights { get; init; }

    /// <summary>[B] int64: index of the last prompt token, whose logits predict the answer's first token.</summary>
    public required Tensor AnswerPositions { get; init; }

    /// <summary>[B] int64: the answer's first token.</summary>
    public required Tensor FirstAnswerTokens { get; init; }

    /// <param name="answerWeight">Weight of answer positions; prompt positions get
    /// <paramref name="promptWeight"/>.</param>
    public static PaddedBatch Build(
        IReadOnlyList<TrainingExample> rows,
        long padId,
        double answerWeight,
        double promptWeight,
        Device? device = null
    )
    {
        int b = rows.Count,
            t = rows.Max(r => r.Length);
        var tokens = new long[b * t];
        var targets = new long[b * t];
        var weights = new float[b * t];
        var positions = new long[b];
        var first = new long[b];
        Array.Fill(tokens, padId);
        for (int i = 0; i < b; i++)
        {
            var row = rows[i];
            var ids = row.Prompt.Concat(row.Answer).ToArray();
            Array.Copy(ids, 0, tokens, i * t, ids.Length);
            // Position p predicts ids[p + 1]; the answer starts at ids[P], predicted from position P - 1.
            for (int p = 0; p + 1 < ids.Length; p++)
            {
                targets[i * t + p] = ids[p + 1];
                weights[i * t + p] = (float)(p + 1 >= row.Prompt.Length ? answerWeight : promptWeight);
            }
            positions[i] = row.Prompt.Length - 1;
            first[i] = row.Answer[0];
        }
        return new PaddedBatch
        {
            Tokens = tensor(tokens, [b, t], device: device),
            Targets = tensor(targets, [b, t], device: device),
            Weights = tensor(weights, [b, t], device: device),
            AnswerPositions = tensor(positions, device: device),
            FirstAnswerTokens = tensor(first, device: device),
        };
    }

    /// <summary>Logits at each row's answer position: [B, T, V] → [B, V].</summary>
    public Tensor AnswerLogits(Tensor logits)
    {
        long b = logits.shape[0],
            v = logits.shape[2];
        var index = AnswerPositions.view(b, 1, 1).expand(b, 1, v); // [B, 1, V]
        return logits.gather(1, index).squeeze(1); // [B, V]
    }
}
