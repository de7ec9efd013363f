namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// Picks and loads the tokenizer that belongs to a model, from the files present. Order in a folder: a WordLevel
/// tokenizer.json; vocab.json + merges.txt; a GPT-2-style byte-level BPE tokenizer.json; tokenizer.model
/// (SentencePiece); a llama2.c tokenizer (tokenizer.bin, tok512.bin, tok*.bin); and, for model type "gpt2" only,
/// the bundled GPT-2 vocabulary.
/// </summary>
public static class TokenizerLoader
{
    const string LookedFor =
        "tokenizer.json (WordLevel or GPT-2 byte-level BPE), vocab.json + merges.txt, tokenizer.model (SentencePiece), "
        + "tokenizer.bin / tok512.bin / tok*.bin (llama2.c)";

    /// <param name="folderOrFile">
    /// A model folder, a tokenizer file (tokenizer.json, tokenizer.model, a llama2.c tokenizer .bin), a llama2.c
    /// checkpoint .bin (its tokenizer is looked for beside it), any other file of a model folder, or "gpt2".
    /// </param>
    /// <param name="modelType">The model family, such as config.json's model_type; null reads config.json.</param>
    public static ITextTokenizer FromModelFolder(string folderOrFile, string? modelType = null)
    {
        if (File.Exists(folderOrFile))
            return FromFile(Path.GetFullPath(folderOrFile), modelType);
        if (Directory.Exists(folderOrFile))
        {
            var folder = Path.GetFullPath(folderOrFile);
            return FromFolder(folder, modelType ?? HfFolderConfig.ModelType(folder));
        }
        if (IsGpt2(modelType) || IsGpt2(folderOrFile))
            return Gpt2BpeTokenizer.Embedded();
        throw new DknInputException(
            $"Tokenizer source {folderOrFile} does not exist; expected a model folder, a tokenizer file or a "
                + $"llama2.c checkpoint, or \"gpt2\" for the bundled GPT-2 vocabulary."
        );
    }

    static ITextTokenizer FromFile(string path, string? modelType)
    {
        var name = Path.GetFileName(path);
        var folder = Path.GetDirectoryName(path)!;
        if (name.Equals("tokenizer.json", StringComparison.OrdinalIgnoreCase))
        {
            var json = HfTokenizerJson.Read(path);
            return FromTokenizerJson(json, folder) ?? throw Unsupported(json);
        }
        if (name.EndsWith(".model", StringComparison.OrdinalIgnoreCase))
            return SentencePieceBpeTokenizer.Load(path);
        if (
            name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
            && !name.Equals("pytorch_model.bin", StringComparison.OrdinalIgnoreCase)
        )
        {
            if (IsLlama2cTokenizerName(name))
                return Llama2cTokenizer.Load(path);
            // A llama2.c checkpoint: its tokenizer is a separate file beside it.
            return FindLlama2cTokenizer(folder, except: path) is { } tok
                ? Llama2cTokenizer.Load(tok)
                : throw new DknInputException(
                    $"No llama2.c tokenizer beside checkpoint {path}: looked in {folder} for tokenizer.bin, "
                        + $"tok512.bin and tok*.bin."
                );
        }
        // Any other file (model.safetensors, config.json, vocab.json, ...) stands for its folder.
        return FromFolder(folder, modelType ?? HfFolderConfig.ModelType(folder));
    }

    static ITextTokenizer FromFolder(string folder, string? modelType)
    {
        var tokenizerJsonPath = Path.Combine(folder, "tokenizer.json");
        var json = File.Exists(tokenizerJsonPath) ? HfTokenizerJson.Read(tokenizerJsonPath) : null;
        if (json?.ModelType == "WordLevel")
            return WordLevelTokenizerJson.FromParsed(json);

        var (bos, eos) = Gpt2SpecialTokens(folder);
        string vocab = Path.Combine(folder, "vocab.json"),
            merges = Path.Combine(folder, "merges.txt");
        if (File.Exists(vocab) && File.Exists(merges))
            return Gpt2BpeTokenizer.FromVocabAndMerges(vocab, merges, bos, eos);
        if (json is { ModelType: "BPE", HasGpt2PreTokenizer: true })
            return Gpt2BpeTokenizer.FromParsed(json, bos, eos);

        var spm = Path.Combine(folder, "tokenizer.model");
        if (File.Exists(spm))
            return SentencePieceBpeTokenizer.Load(spm);
        if (FindLlama2cTokenizer(folder, except: null) is { } llama2c)
            return Llama2cTokenizer.Load(llama2c);
        // A tokenizer.json of a kind not read here is an error, never a reason to fall back to the bundled vocabulary.
        if (json != null)
            throw Unsupported(json);
        if (IsGpt2(modelType))
            return Gpt2BpeTokenizer.Embedded();
        throw new DknInputException(
            $"No tokenizer found in {folder}: looked for {LookedFor}. For a GPT-2 model without tokenizer files, "
                + $"give model type gpt2 to use the bundled GPT-2 vocabulary."
        );
    }

    /// <summary>The tokenizer a tokenizer.json describes, or null when it is not a kind this project reads.</summary>
    static ITextTokenizer? FromTokenizerJson(HfTokenizerJson json, string folder)
    {
        if (json.ModelType == "WordLevel")
            return WordLevelTokenizerJson.FromParsed(json);
        if (json is { ModelType: "BPE", HasGpt2PreTokenizer: true })
        {
            var (bos, eos) = Gpt2SpecialTokens(folder);
            return Gpt2BpeTokenizer.FromParsed(json, bos, eos);
        }
        return null;
    }

    static DknInputException Unsupported(HfTokenizerJson json) =>
        new(
            $"{json.Path} holds a {json.ModelType} "
                + $"tokenizer{(json.IsByteLevel ? " with a non-GPT-2 byte-level pre-tokenizer" : "")}, which is "
                + $"not supported; "
                + $"supported: WordLevel, GPT-2 byte-level BPE, or a tokenizer.model (SentencePiece) beside it."
        );

    /// <summary>tokenizer_config.json's markers when given, else GPT-2's &lt;|endoftext|&gt;.</summary>
    static (string Bos, string Eos) Gpt2SpecialTokens(string folder)
    {
        var (bos, eos) = HfFolderConfig.SpecialTokens(folder);
        return (bos ?? Gpt2BpeTokenizer.EndOfText, eos ?? Gpt2BpeTokenizer.EndOfText);
    }

    static bool IsLlama2cTokenizerName(string name) =>
        name.Equals("tokenizer.bin", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("tok", StringComparison.OrdinalIgnoreCase)
            && !name.StartsWith("tokenizer", StringComparison.OrdinalIgnoreCase);

    /// <summary>llama2.c's names: tokenizer.bin (default), tok512.bin and other tok{N}.bin (custom
    /// vocabularies).</summary>
    static string? FindLlama2cTokenizer(string folder, string? except)
    {
        foreach (var name in new[] { "tok512.bin", "tokenizer.bin" })
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path) && path != except)
                return path;
        }
        return Directory
            .EnumerateFiles(folder, "tok*.bin")
            .Where(p => p != except && IsLlama2cTokenizerName(Path.GetFileName(p)))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    static bool IsGpt2(string? modelType) => string.Equals(modelType, "gpt2", StringComparison.OrdinalIgnoreCase);
}
