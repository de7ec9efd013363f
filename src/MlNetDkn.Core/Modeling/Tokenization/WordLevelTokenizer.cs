using System.Text.RegularExpressions;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// One id per whitespace-separated word, for the project's synthetic fact world, where every fact object must be a
/// single token. Ids: 0 &lt;pad&gt;, 1 &lt;bos&gt;, 2 &lt;eos&gt;, 3 &lt;unk&gt;, then the words in ordinal order
/// so that the same texts always give the same ids. Stored as a Hugging Face WordLevel <c>tokenizer.json</c>.
/// </summary>
public sealed partial class WordLevelTokenizer : ITextTokenizer
{
    /// <summary>The special tokens <see cref="Build"/> puts at ids 0 to 3, in that order.</summary>
    public const string Pad = "<pad>",
        Bos = "<bos>",
        Eos = "<eos>",
        Unk = "<unk>";

    /// <see cref="Pad"/>, <see cref="Bos"/>, <see cref="Eos"/> and <see cref="Unk"/>, in id order.
    public static IReadOnlyList<string> SpecialTokens { get; } = [Pad, Bos, Eos, Unk];

    readonly string[] _tokens;
    readonly Dictionary<string, int> _ids;
    readonly int _unkId;
    readonly int? _padId;

    internal WordLevelTokenizer(string[] tokens, string unkToken, WordSplit split = WordSplit.WhitespaceSplit)
    {
        _tokens = tokens;
        Split = split;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
            _ids[tokens[i]] = i;
        _unkId = _ids[unkToken];
        _padId = Id(Pad);
        // Files from other tools may spell the markers the SentencePiece way.
        BosId = Id(Bos) ?? Id("<s>");
        EosId = Id(Eos) ?? Id("</s>");
    }

    /// <summary>Vocabulary of every word in <paramref name="texts"/>, after the four special tokens.</summary>
    public static WordLevelTokenizer Build(IEnumerable<string> texts)
    {
        var words = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        foreach (var word in SplitWords(text))
            words.Add(word);
        words.ExceptWith(SpecialTokens);
        return new WordLevelTokenizer([.. SpecialTokens, .. words], Unk);
    }

    /// <summary>Reads a WordLevel tokenizer.json written by <see cref="Save"/> or by Hugging Face tokenizers.</summary>
    public static WordLevelTokenizer Load(string tokenizerJson) => WordLevelTokenizerJson.Read(tokenizerJson);

    /// <summary>Writes a Hugging Face WordLevel tokenizer.json (a file path, not a folder).</summary>
    public void Save(string tokenizerJson) => WordLevelTokenizerJson.Write(this, tokenizerJson);

    /// <inheritdoc/>
    public string Kind => "word-level";

    /// <inheritdoc/>
    public int VocabularySize => _tokens.Length;

    /// <inheritdoc/>
    public int? BosId { get; }

    /// <inheritdoc/>
    public int? EosId { get; }

    /// <summary>Id that words missing from the vocabulary encode to.</summary>
    public int UnkId => _unkId;

    /// <summary>Text of the unknown-word token (usually "&lt;unk&gt;").</summary>
    public string UnkToken => _tokens[_unkId];

    /// <summary>The vocabulary in id order: entry i is the word of id i.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>How text is cut into words; <see cref="Build"/> always uses WhitespaceSplit.</summary>
    public WordSplit Split { get; }

    /// <summary>Ids of the whitespace-separated words, so " Paris" and "Paris" are the same single id.</summary>
    public IReadOnlyList<int> Encode(string text, bool addBos = false)
    {
        var ids = new List<int>();
        if (addBos)
            ids.Add(TokenizerGuards.RequireBos(this));
        foreach (var word in SplitWords(text, Split))
            ids.Add(_ids.TryGetValue(word, out var id) ? id : _unkId);
        return ids;
    }

    /// <summary>Words joined by single spaces; &lt;pad&gt;, BOS and EOS are not rendered.</summary>
    public string Decode(IEnumerable<int> ids) =>
        string.Join(' ', TokenizerGuards.WithoutMarkers(ids, BosId, EosId).Where(id => id != _padId).Select(TokenText));

    /// <inheritdoc/>
    public string TokenText(int id)
    {
        TokenizerGuards.CheckId(id, VocabularySize);
        return _tokens[id];
    }

    /// <summary>Hugging Face's pre-tokenizers: WhitespaceSplit splits on whitespace; Whitespace also cuts punctuation
    /// off.</summary>
    static IEnumerable<string> SplitWords(string text, WordSplit split = WordSplit.WhitespaceSplit) =>
        split switch
        {
            WordSplit.Whitespace => WordOrPunctuation().Matches(text).Select(m => m.Value),
            _ => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        };

    [GeneratedRegex(@"\w+|[^\w\s]+")]
    private static partial Regex WordOrPunctuation();

    int? Id(string token) => _ids.TryGetValue(token, out var id) ? id : null;
}
