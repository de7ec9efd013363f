using System.Text.Json;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// The parts of a Hugging Face <c>tokenizer.json</c> this project reads: the model type, its vocabulary and merges,
/// whether it is byte-level, and the added (special) tokens. Parsing lives here so that the loader can pick a
/// tokenizer and the tokenizers can be built from one pass over the file.
/// </summary>
internal sealed class HfTokenizerJson
{
    public required string Path { get; init; }
    public required string ModelType { get; init; }
    public required bool IsByteLevel { get; init; }

    /// <summary>
    /// True when the pre-tokenizer is exactly GPT-2's (a top-level ByteLevel splitting with its built-in regex).
    /// Other byte-level schemes (LLaMA 3's Split + ByteLevel) use a different regex and would give other ids.
    /// </summary>
    public required bool HasGpt2PreTokenizer { get; init; }
    public required IReadOnlyDictionary<string, int> Vocab { get; init; }

    /// <summary>BPE merges as "left right" lines (both the string and the newer two-element array form).</summary>
    public required IReadOnlyList<string> Merges { get; init; }
    public required IReadOnlyDictionary<string, int> AddedTokens { get; init; }

    /// <summary>pre_tokenizer.type, or null when there is none.</summary>
    public string? PreTokenizerType { get; init; }
    public string? UnkToken { get; init; }

    public static HfTokenizerJson Read(string path)
    {
        JsonDocument doc;
        try
        {
            using var stream = File.OpenRead(path);
            doc = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new DknInputException(
                $"{path} is not valid JSON ({e.Message}); expected a Hugging Face tokenizer.json."
            );
        }
        // Text that parses but is not valid UTF-8 inside a string fails only when the string is read.
        try
        {
            using (doc)
            {
                var root = doc.RootElement;
                if (
                    root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("model", out var model)
                    || model.ValueKind != JsonValueKind.Object
                )
                    throw new DknInputException(
                        $"{path} has no \"model\" object; expected a Hugging Face tokenizer.json."
                    );
                // Older BPE files omit model.type; the presence of merges identifies them.
                var type =
                    model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
                    : model.TryGetProperty("merges", out _) ? "BPE"
                    : "unknown";
                return new HfTokenizerJson
                {
                    Path = path,
                    ModelType = type,
                    IsByteLevel = MentionsByteLevel(root, "pre_tokenizer") || MentionsByteLevel(root, "decoder"),
                    HasGpt2PreTokenizer = IsGpt2PreTokenizer(root),
                    PreTokenizerType =
                        root.TryGetProperty("pre_tokenizer", out var pre)
                        && pre.ValueKind == JsonValueKind.Object
                        && pre.TryGetProperty("type", out var pt)
                        && pt.ValueKind == JsonValueKind.String
                            ? pt.GetString()
                            : null,
                    Vocab = ReadVocab(model, path),
                    Merges = ReadMerges(model, path),
                    AddedTokens = ReadAddedTokens(root),
                    UnkToken =
                        model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String
                            ? u.GetString()
                            : null,
                };
            }
        }
        catch (InvalidOperationException e)
        {
            throw new DknInputException($"{path}: unreadable text in a tokenizer.json value ({e.Message})");
        }
    }

    static bool IsGpt2PreTokenizer(JsonElement root) =>
        root.TryGetProperty("pre_tokenizer", out var p)
        && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty("type", out var t)
        && t.ValueKind == JsonValueKind.String
        && t.GetString() == "ByteLevel"
        && !(p.TryGetProperty("use_regex", out var r) && r.ValueKind == JsonValueKind.False)
        &&
        // add_prefix_space (RoBERTa style) would shift every first word to its " word" id.
        !(p.TryGetProperty("add_prefix_space", out var a) && a.ValueKind == JsonValueKind.True);

    static bool MentionsByteLevel(JsonElement root, string component)
    {
        if (!root.TryGetProperty(component, out var c) || c.ValueKind != JsonValueKind.Object)
            return false;
        if (c.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "ByteLevel")
            return true;
        // A Sequence nests its parts under "pretokenizers" or "decoders".
        foreach (var key in new[] { "pretokenizers", "decoders" })
            if (c.TryGetProperty(key, out var parts) && parts.ValueKind == JsonValueKind.Array)
                foreach (var p in parts.EnumerateArray())
                    if (p.TryGetProperty("type", out var pt) && pt.GetString() == "ByteLevel")
                        return true;
        return false;
    }

    static Dictionary<string, int> ReadVocab(JsonElement model, string path)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!model.TryGetProperty("vocab", out var v))
            return vocab;
        if (v.ValueKind != JsonValueKind.Object)
            throw new DknInputException($"{path}: model.vocab is a {v.ValueKind}; expected an object of token -> id.");
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var id) || id < 0)
                throw new DknInputException($"{path}: model.vocab[\"{p.Name}\"] is not a non-negative integer id.");
            vocab[p.Name] = id;
        }
        return vocab;
    }

    static List<string> ReadMerges(JsonElement model, string path)
    {
        var merges = new List<string>();
        if (!model.TryGetProperty("merges", out var m) || m.ValueKind != JsonValueKind.Array)
            return merges;
        foreach (var item in m.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
                merges.Add(item.GetString()!);
            else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2)
                merges.Add(item[0].GetString() + " " + item[1].GetString());
            else
                throw new DknInputException($"{path}: a model.merges entry is neither \"a b\" nor [\"a\", \"b\"].");
        }
        return merges;
    }

    static Dictionary<string, int> ReadAddedTokens(JsonElement root)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!root.TryGetProperty("added_tokens", out var a) || a.ValueKind != JsonValueKind.Array)
            return added;
        // Entries that are not {"content": string, "id": integer} are skipped, as before for a missing id.
        foreach (var tok in a.EnumerateArray())
            if (
                tok.ValueKind == JsonValueKind.Object
                && tok.TryGetProperty("content", out var c)
                && c.ValueKind == JsonValueKind.String
                && tok.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.Number
                && id.TryGetInt32(out var i)
            )
                added[c.GetString()!] = i;
        return added;
    }
}
