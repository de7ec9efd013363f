namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// Turns a fact's prompt and answer into the token ids a causal model sees: BOS first for SentencePiece-family
/// tokenizers (as their Hugging Face tokenizers add it), and the answer as the continuation of the prompt, i.e. with
/// a leading space for byte-level BPE (" Paris", not "Paris"); never with special tokens.
/// </summary>
public static class PromptEncoding
{
    public static bool AddsBos(ITextTokenizer tokenizer) => tokenizer.Kind is "sentencepiece" or "llama2c";

    public static long[] Prompt(ITextTokenizer tokenizer, string prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt)) throw new DknInputException("empty prompt");
        return tokenizer.Encode(prompt, AddsBos(tokenizer)).Select(i => (long)i).ToArray();
    }

    public static long[] Answer(ITextTokenizer tokenizer, string answer)
    {
        if (string.IsNullOrWhiteSpace(answer)) throw new DknInputException("empty answer");
        var text = tokenizer.Kind == "gpt2-bpe" ? " " + answer.TrimStart() : answer.Trim();
        var ids = tokenizer.Encode(text, addBos: false).Select(i => (long)i).ToArray();
        if (ids.Length == 0) throw new DknInputException($"answer '{answer}' encodes to no tokens");
        return ids;
    }
}
