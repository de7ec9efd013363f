namespace MlNetDkn.Modeling.Tokenization;

/// <summary>Checks shared by every tokenizer so that they fail the same way.</summary>
internal static class TokenizerGuards
{
    public static int RequireBos(ITextTokenizer tokenizer) =>
        tokenizer.BosId
        ?? throw new DknInputException(
            $"The {tokenizer.Kind} tokenizer has no beginning-of-sequence token, so addBos cannot be honoured."
        );

    public static void CheckId(int id, int vocabularySize)
    {
        if ((uint)id >= (uint)vocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id must be in [0, {vocabularySize}).");
    }

    /// <summary>Drops BOS/EOS so that Decode renders only text, as the interface promises.</summary>
    public static IEnumerable<int> WithoutMarkers(IEnumerable<int> ids, int? bos, int? eos) =>
        ids.Where(id => id != bos && id != eos);
}
