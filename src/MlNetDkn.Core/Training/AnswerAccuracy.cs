using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;
using MlNetDkn.Training.Internal;

namespace MlNetDkn.Training;

/// <summary>Prompt kinds scored by <see cref="AnswerAccuracy"/>: the FactRecord list each prompt comes from.</summary>
public static class PromptKinds
{
    /// <summary>The fact's training prompts.</summary>
    public const string Prompts = "prompts";

    /// <summary>The fact's held-out paraphrases.</summary>
    public const string Heldout = "heldout_prompts";
}

/// <summary>
/// Answer accuracy: a prompt counts as correct when every answer token is the argmax given the prompt and the gold
/// tokens before it, i.e. greedy decoding produces the answer (for one-token answers: top-1).
/// </summary>
public static class AnswerAccuracy
{
    /// <summary>Accuracy over all prompts of <paramref name="kind"/> (training prompts or held-out
    /// paraphrases).</summary>
    public static double Evaluate(
        CausalLm model,
        ITextTokenizer tokenizer,
        FactDataset dataset,
        string kind,
        int batchSize = 256
    )
    {
        var examples = TrainingExample.From(dataset, tokenizer, heldout: kind == PromptKinds.Heldout);
        return examples.Count == 0 ? double.NaN : (double)CountCorrect(model, examples, batchSize) / examples.Count;
    }

    /// <summary>Prompts whose whole answer greedy decoding would produce (for one-word answers: the top-1
    /// token).</summary>
    internal static int CountCorrect(CausalLm model, IReadOnlyList<TrainingExample> examples, int batchSize) =>
        PromptBatchProbe
            .Score(model, examples.Select(e => (e.Prompt, e.Answer)).ToList(), batchSize)
            .Count(s => s.Greedy);
}
