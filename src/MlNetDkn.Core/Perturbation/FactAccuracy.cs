using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Perturbation;

/// <summary>How well the model answers one fact: its training prompts and its held-out paraphrases.</summary>
/// <param name="MeanLogProbability">Mean over the training prompts of the teacher-forced log P(answer).</param>
public sealed record FactAccuracy(
    string FactId,
    string RelationId,
    string Split,
    int Prompts,
    int PromptsCorrect,
    int Heldout,
    int HeldoutCorrect,
    double MeanLogProbability
)
{
    /// <see cref="PromptsCorrect"/> / <see cref="Prompts"/>, in [0, 1]; NaN without prompts.
    public double PromptAccuracy => Prompts == 0 ? double.NaN : (double)PromptsCorrect / Prompts;

    /// <see cref="HeldoutCorrect"/> / <see cref="Heldout"/>, in [0, 1]; NaN without held-out paraphrases.
    public double HeldoutAccuracy => Heldout == 0 ? double.NaN : (double)HeldoutCorrect / Heldout;

    /// <summary>
    /// Scores every prompt and held-out paraphrase of <paramref name="fact"/> in one padded batch. A prompt is correct
    /// when greedy decoding produces the whole answer (teacher-forced argmax at every answer token).
    /// </summary>
    public static FactAccuracy Evaluate(ModelSession session, FactRecord fact, int batchSize = 256)
    {
        var answer = PromptEncoding.Answer(session.Tokenizer, fact.Answer);
        var items = fact
            .Prompts.Concat(fact.HeldoutPrompts)
            .Select(p => (PromptEncoding.Prompt(session.Tokenizer, p), answer))
            .ToList();
        var scores = PromptBatchProbe.Score(session.Model, items, batchSize);
        var train = scores.Take(fact.Prompts.Count).ToArray();
        var heldout = scores.Skip(fact.Prompts.Count).ToArray();
        return new FactAccuracy(
            fact.FactId,
            fact.RelationId,
            fact.Split,
            train.Length,
            train.Count(s => s.Greedy),
            heldout.Length,
            heldout.Count(s => s.Greedy),
            train.Length == 0 ? double.NaN : train.Average(s => s.LogProbability)
        );
    }
}
