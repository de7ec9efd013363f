namespace MlNetDkn.Modeling.Tokenization;

/// <summary>The Hugging Face pre-tokenizers a WordLevel tokenizer.json may name.</summary>
public enum WordSplit
{
    /// <summary>"WhitespaceSplit": words are the runs between whitespace.</summary>
    WhitespaceSplit,

    /// <summary>"Whitespace": runs of word characters and runs of punctuation (regex \w+|[^\w\s]+).</summary>
    Whitespace,
}
