using System.Text;
using Microsoft.ML.Tokenizers;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// A SentencePiece <c>tokenizer.model</c> as used by LLaMA-family checkpoints, read by Microsoft.ML.Tokenizers'
/// <see cref="LlamaTokenizer"/> (BPE SentencePiece with byte fallback and a dummy-prefix space).
/// </summary>
public sealed class SentencePieceBpeTokenizer : ITextTokenizer
{
    const char SpaceMark = '\u2581'; // SentencePiece writes spaces as "▁"

    readonly SentencePieceTokenizer _inner;
    readonly string[] _pieces;

    SentencePieceBpeTokenizer(SentencePieceTokenizer inner)
    {
        _inner = inner;
        var vocab = inner.Vocabulary;
        _pieces = new string[vocab.Count == 0 ? 0 : vocab.Values.Max() + 1];
        foreach (var (piece, id) in vocab)
            _pieces[id] = piece;
        BosId = inner.BeginningOfSentenceId >= 0 ? inner.BeginningOfSentenceId : null;
        EosId = inner.EndOfSentenceId >= 0 ? inner.EndOfSentenceId : null;
    }

    /// <summary>Reads a SentencePiece <c>tokenizer.model</c> file.</summary>
    /// <exception cref="DknInputException">The file is missing or not a BPE SentencePiece model.</exception>
    public static SentencePieceBpeTokenizer Load(string tokenizerModel)
    {
        if (!File.Exists(tokenizerModel))
            throw new DknInputException($"SentencePiece model {tokenizerModel} does not exist.");
        using var stream = File.OpenRead(tokenizerModel);
        return Load(stream, tokenizerModel);
    }

    /// <summary>Reads a serialized SentencePiece ModelProto; <paramref name="source"/> names it in errors.</summary>
    public static SentencePieceBpeTokenizer Load(Stream modelProto, string source)
    {
        try
        {
            // Special tokens are added here, not by the library, so that Encode adds nothing unless asked.
            return new SentencePieceBpeTokenizer(
                LlamaTokenizer.Create(modelProto, addBeginOfSentence: false, addEndOfSentence: false)
            );
        }
        catch (Exception e) when (e is not DknInputException)
        {
            throw new DknInputException(
                $"{source} is not a readable SentencePiece BPE model (tokenizer.model): {e.GetType().Name}: {e.Message}"
            );
        }
    }

    /// <inheritdoc/>
    public string Kind => "sentencepiece";

    /// <inheritdoc/>
    public int VocabularySize => _pieces.Length;

    /// <inheritdoc/>
    public int? BosId { get; }

    /// <inheritdoc/>
    public int? EosId { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool addBos = false)
    {
        var ids = _inner.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false);
        if (!addBos)
            return ids;
        var withBos = new List<int>(ids.Count + 1) { TokenizerGuards.RequireBos(this) };
        withBos.AddRange(ids);
        return withBos;
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids) =>
        _inner.Decode(TokenizerGuards.WithoutMarkers(ids, BosId, EosId), considerSpecialTokens: false) ?? "";

    /// <summary>The piece with "▁" shown as a space and a byte piece as its byte.</summary>
    public string TokenText(int id)
    {
        TokenizerGuards.CheckId(id, VocabularySize);
        var piece = _pieces[id] ?? "";
        if (BytePiece.TryParse(piece, out var b))
            return Encoding.UTF8.GetString([b]);
        return piece.Replace(SpaceMark, ' ');
    }
}
