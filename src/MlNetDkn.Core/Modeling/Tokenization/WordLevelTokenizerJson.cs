using System.Text.Encodings.Web;
using System.Text.Json;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// Hugging Face tokenizer.json in its WordLevel form (model.type, model.vocab, model.unk_token, a WhitespaceSplit
/// pre-tokenizer, added_tokens for the specials), so that Python's tokenizers can load what this project writes.
/// </summary>
internal static class WordLevelTokenizerJson
{
    public static void Write(WordLevelTokenizer tokenizer, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null)
            Directory.CreateDirectory(dir);
        using var stream = File.Create(path);
        // Relaxed escaping keeps non-ASCII words readable; the output is still valid JSON.
        using var w = new Utf8JsonWriter(
            stream,
            new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }
        );
        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        for (int id = 0; id < tokenizer.VocabularySize; id++)
        {
            var token = tokenizer.TokenText(id);
            if (!WordLevelTokenizer.SpecialTokens.Contains(token))
                continue;
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("content", token);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("rstrip", false);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNull("normalizer");
        w.WriteStartObject("pre_tokenizer");
        w.WriteString("type", tokenizer.Split.ToString());
        w.WriteEndObject();
        w.WriteNull("post_processor");
        w.WriteNull("decoder"); // Hugging Face then joins decoded tokens with spaces, as Decode does here.
        w.WriteStartObject("model");
        w.WriteString("type", "WordLevel");
        w.WriteStartObject("vocab");
        for (int id = 0; id < tokenizer.VocabularySize; id++)
            w.WriteNumber(tokenizer.TokenText(id), id);
        w.WriteEndObject();
        w.WriteString("unk_token", tokenizer.UnkToken);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static WordLevelTokenizer Read(string path)
    {
        if (!File.Exists(path))
            throw new DknInputException($"Tokenizer file {path} does not exist.");
        return FromParsed(HfTokenizerJson.Read(path));
    }

    internal static WordLevelTokenizer FromParsed(HfTokenizerJson json)
    {
        if (json.ModelType != "WordLevel")
            throw new DknInputException(
                $"{json.Path} holds a {json.ModelType} tokenizer; expected model.type \"WordLevel\"."
            );
        var vocab = new Dictionary<string, int>(json.Vocab, StringComparer.Ordinal);
        foreach (var (token, id) in json.AddedTokens)
            vocab.TryAdd(token, id);
        // Ids index embedding rows, so they must cover 0..n-1 exactly once.
        var tokens = new string?[vocab.Count];
        foreach (var (token, id) in vocab)
        {
            if (id >= tokens.Length || tokens[id] != null)
                throw new DknInputException(
                    $"{json.Path}: id {id} (\"{token}\") is duplicated or leaves a gap; WordLevel ids must be "
                        + $"0..{vocab.Count - 1}."
                );
            tokens[id] = token;
        }
        var unk = json.UnkToken
            ?? throw new DknInputException($"{json.Path}: model.unk_token is missing; unknown words would have no id.");
        if (!vocab.ContainsKey(unk))
            throw new DknInputException($"{json.Path}: model.unk_token \"{unk}\" is not in model.vocab.");
        // Another split rule would give other words, hence other ids, than the tool that wrote the file.
        var split = json.PreTokenizerType switch
        {
            "WhitespaceSplit" => WordSplit.WhitespaceSplit,
            "Whitespace" => WordSplit.Whitespace,
            var other => throw new DknInputException(
                $"{json.Path}: pre_tokenizer {(other == null ? "is missing" : $"\"{other}\" is not supported")}; a "
                    + $"WordLevel tokenizer here needs WhitespaceSplit or Whitespace."
            ),
        };
        return new WordLevelTokenizer(tokens!, unk, split);
    }
}
