namespace MlNetDkn.Modeling.Tokenization;

/// <summary>How an answer string becomes target tokens.</summary>
public enum AnswerEncoding
{
    /// <summary>The continuation of the prompt (leading space for byte-level BPE), no special tokens: the
    /// default.</summary>
    Natural,

    /// <summary>
    /// The DKN authors' <c>tokenizer.encode(target)</c>: no leading space (GPT-2 "yamaha" becomes "y","am","aha") and,
    /// for SentencePiece models, BOS prepended, so the first target token is &lt;s&gt; (method.md §1.4, §7 items 4–5).
    /// Their attribution also lowercases the answer (see <see cref="PromptEncoding.AuthorsTarget"/>).
    /// </summary>
    DknAuthors,
}

/// <summary>
/// Turns a fact's prompt and answer into the token ids a causal model sees: BOS first for SentencePiece-family
/// tokenizers (as their Hugging Face tokenizers add it), and the answer as the continuation of the prompt, i.e. with
/// a leading space for byte-level BPE (" Paris", not "Paris"); never with special tokens.
/// </summary>
public static class PromptEncoding
{
    /// <summary>
    /// Whether prompts get a BOS first: true for SentencePiece and llama2.c tokenizers, as their Hugging Face
    /// tokenizers add one.
    /// </summary>
    public static bool AddsBos(ITextTokenizer tokenizer) => tokenizer.Kind is "sentencepiece" or "llama2c";

    /// <summary>Token ids of <paramref name="prompt"/>, BOS first when <see cref="AddsBos"/> says so.</summary>
    /// <exception cref="DknInputException">The prompt is empty or whitespace.</exception>
    public static long[] Prompt(ITextTokenizer tokenizer, string prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt))
            throw new DknInputException("empty prompt");
        return tokenizer.Encode(prompt, AddsBos(tokenizer)).Select(i => (long)i).ToArray();
    }

    /// <summary>
    /// Target token ids of <paramref name="answer"/> under <paramref name="encoding"/> (the authors' form without
    /// lowercasing).
    /// </summary>
    /// <exception cref="DknInputException">
    /// The answer is empty, encodes to nothing, or has a word a word-level vocabulary lacks.
    /// </exception>
    public static long[] Answer(ITextTokenizer tokenizer, string answer, AnswerEncoding encoding) =>
        encoding == AnswerEncoding.Natural
            ? Answer(tokenizer, answer)
            : AuthorsTarget(tokenizer, answer, lowercase: false);

    /// <summary>The authors' target tokens: encode(answer) with default special tokens (BOS for SentencePiece
    /// tokenizers), no leading space; <paramref name="lowercase"/> as their attribution does (get_neurons).</summary>
    public static long[] AuthorsTarget(ITextTokenizer tokenizer, string answer, bool lowercase)
    {
        if (string.IsNullOrWhiteSpace(answer))
            throw new DknInputException("empty answer");
        var text = lowercase ? answer.Trim().ToLowerInvariant() : answer.Trim();
        var ids = tokenizer.Encode(text, AddsBos(tokenizer)).Select(i => (long)i).ToArray();
        // Their lowercasing assumes a tokenizer that encodes any string (GPT-2's BPE). A case-sensitive word-level
        // vocabulary has no lower-cased "Zoufou"; the answer is then encoded as written rather than scored as <unk>.
        if (lowercase && tokenizer is WordLevelTokenizer words && ids.Contains(words.UnkId))
            ids = tokenizer.Encode(answer.Trim(), AddsBos(tokenizer)).Select(i => (long)i).ToArray();
        if (ids.Length == 0)
            throw new DknInputException($"answer '{answer}' encodes to no tokens");
        RequireKnown(tokenizer, answer, ids);
        return ids;
    }

    /// <summary>An answer a word-level vocabulary does not hold would be scored as P(&lt;unk&gt;): refuse it.</summary>
    static void RequireKnown(ITextTokenizer tokenizer, string answer, long[] ids)
    {
        if (tokenizer is WordLevelTokenizer w && ids.Contains(w.UnkId))
            throw new DknInputException(
                $"answer '{answer}' has a word the model's word-level vocabulary does not hold (it would be scored "
                    + $"as {w.UnkToken})"
            );
    }

    /// <summary>
    /// Target token ids of <paramref name="answer"/> as the prompt's continuation: a leading space for GPT-2 byte-level
    /// BPE, none for the others (SentencePiece adds its own dummy prefix); no special tokens.
    /// </summary>
    /// <exception cref="DknInputException">
    /// The answer is empty, encodes to nothing, or has a word a word-level vocabulary lacks.
    /// </exception>
    public static long[] Answer(ITextTokenizer tokenizer, string answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
            throw new DknInputException("empty answer");
        var text = tokenizer.Kind == "gpt2-bpe" ? " " + answer.TrimStart() : answer.Trim();
        var ids = tokenizer.Encode(text, addBos: false).Select(i => (long)i).ToArray();
        if (ids.Length == 0)
            throw new DknInputException($"answer '{answer}' encodes to no tokens");
        RequireKnown(tokenizer, answer, ids);
        return ids;
    }
}
