namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// The one tokenizer shape the rest of the project sees, whatever the model family. Ids are the model's own
/// embedding rows, so a tokenizer must reproduce the reference implementation's ids exactly.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Short name of the scheme: "gpt2-bpe", "sentencepiece", "llama2c", "word-level".</summary>
    string Kind { get; }

    /// <summary>Number of ids (the largest id plus one), including special tokens.</summary>
    int VocabularySize { get; }

    /// <summary>Id of the beginning-of-sequence token; null when the vocabulary has none.</summary>
    int? BosId { get; }

    /// <summary>Id of the end-of-sequence token; null when the vocabulary has none.</summary>
    int? EosId { get; }

    /// <summary>
    /// Ids for <paramref name="text"/>. No special token is added unless <paramref name="addBos"/> is set; asking
    /// for a BOS from a tokenizer without one throws <see cref="DknInputException"/>.
    /// </summary>
    IReadOnlyList<int> Encode(string text, bool addBos = false);

    /// <summary>Text for a run of ids. BOS and EOS ids are not rendered.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>
    /// What one id stands for on its own, for tables and plots (" Paris", not "ĠParis"). A byte-fallback or
    /// partial-UTF-8 piece may show as U+FFFD; out-of-range ids throw <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    string TokenText(int id);
}
