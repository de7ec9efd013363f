using System.Text;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// llama2.c's own tokenizer, ported from run.c because no library reads its <c>tokenizer.bin</c> format. Encoding
/// must match run.c exactly, since the checkpoint's embedding rows are indexed by these ids.
/// </summary>
public sealed class Llama2cTokenizer : ITextTokenizer
{
    readonly Llama2cVocabulary _vocab;
    readonly Dictionary<string, int> _ids;

    Llama2cTokenizer(Llama2cVocabulary vocab)
    {
        _vocab = vocab;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        // run.c binary-searches a sorted copy; with no duplicate pieces any lookup gives the same id.
        for (int i = 0; i < vocab.Pieces.Length; i++)
            _ids.TryAdd(vocab.Pieces[i], i);
    }

    /// <summary>
    /// Reads a llama2.c <c>tokenizer.bin</c> (max token length, then per piece its score, byte length and bytes).
    /// </summary>
    public static Llama2cTokenizer Load(string path) => new(Llama2cVocabulary.Read(path));

    /// <inheritdoc/>
    public string Kind => "llama2c";

    /// <inheritdoc/>
    public int VocabularySize => _vocab.Pieces.Length;

    /// <inheritdoc/>
    public int? BosId => Llama2cVocabulary.BosId;

    /// <inheritdoc/>
    public int? EosId => Llama2cVocabulary.EosId;

    /// <summary>run.c's encode(): dummy-prefix space, per-codepoint lookup with byte fallback, then greedy
    /// merges.</summary>
    public IReadOnlyList<int> Encode(string text, bool addBos = false)
    {
        var tokens = new List<int>();
        if (addBos)
            tokens.Add(Llama2cVocabulary.BosId);
        if (text.Length == 0)
            return tokens;
        // SentencePiece's add_dummy_prefix: the text is encoded as if it started with a space.
        tokens.Add(
            _ids.TryGetValue(" ", out var space)
                ? space
                : throw new DknInputException("The llama2.c vocabulary has no \" \" piece for the dummy prefix.")
        );

        var utf8 = Encoding.UTF8.GetBytes(text);
        for (int i = 0; i < utf8.Length; )
        {
            // A codepoint is a lead byte plus its continuation bytes (at most 4 bytes, as in run.c).
            int end = i + 1;
            while (end < utf8.Length && (utf8[end] & 0xC0) == 0x80 && end - i < 4)
                end++;
            var key = Encoding.Latin1.GetString(utf8, i, end - i);
            if (_ids.TryGetValue(key, out var id))
                tokens.Add(id);
            else
                for (int b = i; b < end; b++)
                    tokens.Add(utf8[b] + Llama2cVocabulary.FirstByteId);
            i = end;
        }
        MergeGreedily(tokens);
        return tokens;
    }

    /// <summary>Repeatedly merge the adjacent pair whose joined piece scores highest; leftmost wins ties.</summary>
    void MergeGreedily(List<int> tokens)
    {
        while (true)
        {
            float bestScore = -1e10f; // run.c's starting value: pieces scoring lower are never merged
            int bestId = -1,
                bestIndex = -1;
            for (int i = 0; i + 1 < tokens.Count; i++)
            {
                if (
                    _ids.TryGetValue(_vocab.Pieces[tokens[i]] + _vocab.Pieces[tokens[i + 1]], out var id)
                    && _vocab.Scores[id] > bestScore
                )
                    (bestScore, bestId, bestIndex) = (_vocab.Scores[id], id, i);
            }
            if (bestIndex < 0)
                return;
            tokens[bestIndex] = bestId;
            tokens.RemoveAt(bestIndex + 1);
        }
    }

    /// <summary>
    /// run.c's decode(): byte pieces become raw bytes, and the space that starts the first piece (the dummy prefix)
    /// is dropped, as run.c does after BOS and SentencePiece does at the start of a sequence.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        bool atStart = true;
        foreach (var id in ids)
        {
            TokenizerGuards.CheckId(id, VocabularySize);
            if (id == BosId)
            {
                atStart = true;
                continue;
            }
            if (id == EosId)
                continue;
            AppendPiece(bytes, id, stripLeadingSpace: atStart);
            atStart = false;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The piece as text, a byte piece ("&lt;0x41&gt;") as its byte and the leading space kept.</summary>
    public string TokenText(int id)
    {
        TokenizerGuards.CheckId(id, VocabularySize);
        var bytes = new List<byte>();
        AppendPiece(bytes, id, stripLeadingSpace: false);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    void AppendPiece(List<byte> bytes, int id, bool stripLeadingSpace)
    {
        var piece = _vocab.Pieces[id];
        if (BytePiece.TryParse(piece, out var b))
        {
            bytes.Add(b);
            return;
        }
        if (stripLeadingSpace && piece.StartsWith(' '))
            piece = piece[1..];
        bytes.AddRange(Encoding.Latin1.GetBytes(piece));
    }
}
