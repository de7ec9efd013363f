using MlNetDkn.Facts;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Training.Internal;

/// <summary>One prompt of one fact, tokenized: the model reads Prompt and should continue with Answer.</summary>
internal sealed record TrainingExample(long[] Prompt, long[] Answer)
{
    public int Length => Prompt.Length + Answer.Length;

    /// <summary>One example per prompt (training prompts or held-out paraphrases) of every fact.</summary>
    public static List<TrainingExample> From(FactDataset dataset, ITextTokenizer tokenizer, bool heldout)
    {
        var examples = new List<TrainingExample>();
        foreach (var fact in dataset.Records)
        {
            // The leading space makes byte-level BPE tokenizers give the in-sentence form; word-level ignores it.
            var answer = Ids(tokenizer, " " + fact.Answer);
            foreach (var prompt in heldout ? fact.HeldoutPrompts : fact.Prompts)
                examples.Add(new TrainingExample(Ids(tokenizer, prompt), answer));
        }
        return examples;
    }

    static long[] Ids(ITextTokenizer tokenizer, string text) => tokenizer.Encode(text).Select(i => (long)i).ToArray();
}
