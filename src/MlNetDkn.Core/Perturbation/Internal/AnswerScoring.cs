using static TorchSharp.torch;

namespace MlNetDkn.Perturbation.Internal;

/// <summary>Scores of teacher-forced answers from the logits at the positions that predict them.</summary>
internal static class AnswerScoring
{
    /// <param name="logits">[n, T_a, V]: position t predicts answer token t.</param>
    /// <param name="answer">the T_a answer token ids, the same for every row.</param>
    public static AnswerScore[] Of(Tensor logits, IReadOnlyList<long> answer)
    {
        using var scope = NewDisposeScope();
        long n = logits.shape[0];
        var logProbs = logits.to_type(ScalarType.Float64).log_softmax(-1); // [n, T_a, V]
        // [n, T_a, 1]
        var targets = tensor(answer.ToArray(), device: logits.device).unsqueeze(0).expand(n, -1).unsqueeze(-1);
        var gold = logProbs.gather(-1, targets); // [n, T_a, 1]
        var joint = gold.squeeze(-1).sum(-1); // [n]
        // Rank of the first answer token: how many tokens score strictly higher.
        var rank = logProbs[TensorIndex.Colon, 0].gt(gold[TensorIndex.Colon, 0]).sum(-1); // [n]
        var greedy = logProbs.argmax(-1).eq(targets.squeeze(-1)).all(-1); // [n]
        // Margin: gold minus the best other token, per answer position, then averaged.
        var minusInf = full(targets.shape, double.NegativeInfinity, ScalarType.Float64, logits.device); // [n, T_a, 1]
        var others = logProbs.scatter(-1, targets, minusInf).max(-1).values; // [n, T_a]
        var margin = (gold.squeeze(-1) - others).mean([-1]); // [n]
        var j = joint.cpu().data<double>().ToArray();
        var r = rank.cpu().data<long>().ToArray();
        var g = greedy.cpu().data<bool>().ToArray();
        var m = margin.cpu().data<double>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i => new AnswerScore(j[i], (int)r[i], g[i], m[i])).ToArray();
    }
}
