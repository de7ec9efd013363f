using System.Text.Json;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Modeling.Tokenization;

public class WordLevelTokenizerTests
{
    static readonly string[] Facts = ["The capital of France is Paris", "The capital of Italy is  Rome\n"];

    [Fact]
    public void VocabularyIsSpecialsThenWordsInOrdinalOrder()
    {
        var tok = WordLevelTokenizer.Build(Facts);
        // Ordinal order puts capitals before lower case.
        string[] expected =
        [
            "<pad>",
            "<bos>",
            "<eos>",
            "<unk>",
            "France",
            "Italy",
            "Paris",
            "Rome",
            "The",
            "capital",
            "is",
            "of",
        ];
        Assert.Equal(expected, Enumerable.Range(0, tok.VocabularySize).Select(tok.TokenText));
        Assert.Equal(1, tok.BosId);
        Assert.Equal(2, tok.EosId);
        Assert.Equal(3, tok.UnkId);
    }

    [Fact]
    public void BuildIsIndependentOfTextOrder()
    {
        var a = WordLevelTokenizer.Build(Facts);
        var b = WordLevelTokenizer.Build(Facts.Reverse().Append("Paris Paris"));
        Assert.Equal(a.Tokens, b.Tokens);
    }

    [Fact]
    public void LeadingSpaceDoesNotChangeTheId()
    {
        var tok = WordLevelTokenizer.Build(Facts);
        Assert.Equal(new[] { 6 }, tok.Encode(" Paris"));
        Assert.Equal(new[] { 6 }, tok.Encode("Paris"));
        Assert.Equal(new[] { 1, 8, 9, 11, 4, 10 }, tok.Encode("The capital of France is", addBos: true));
    }

    [Fact]
    public void UnknownWordsMapToUnk()
    {
        var tok = WordLevelTokenizer.Build(Facts);
        Assert.Equal(new[] { 8, 9, 11, 3, 10, 3 }, tok.Encode("The capital of Spain is Madrid"));
        Assert.Equal(new[] { 3 }, tok.Encode("paris")); // case matters
    }

    [Fact]
    public void DecodeJoinsWithSpacesAndSkipsMarkers()
    {
        var tok = WordLevelTokenizer.Build(Facts);
        Assert.Equal("The capital of Italy is Rome", tok.Decode([1, 8, 9, 11, 5, 10, 7, 2, 0, 0]));
        Assert.Equal("The capital of Italy is Rome", tok.Decode(tok.Encode("  The capital\tof Italy is Rome ")));
    }

    [Fact]
    public void SavedFileIsHuggingFaceWordLevel()
    {
        var tok = WordLevelTokenizer.Build(Facts.Append("Zürich"));
        var path = Path.Combine(SharedPaths.TempDir("wordlevel"), "tokenizer.json");
        tok.Save(path);

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.Equal("WordLevel", root.GetProperty("model").GetProperty("type").GetString());
        Assert.Equal("<unk>", root.GetProperty("model").GetProperty("unk_token").GetString());
        Assert.Equal("WhitespaceSplit", root.GetProperty("pre_tokenizer").GetProperty("type").GetString());
        Assert.Equal(6, root.GetProperty("model").GetProperty("vocab").GetProperty("Paris").GetInt32());
        // 'Z' sorts after "The" and before the lower-case words.
        Assert.Equal(9, root.GetProperty("model").GetProperty("vocab").GetProperty("Zürich").GetInt32());
        var added = root.GetProperty("added_tokens")
            .EnumerateArray()
            .Select(t =>
                (
                    t.GetProperty("id").GetInt32(),
                    t.GetProperty("content").GetString()!,
                    t.GetProperty("special").GetBoolean()
                )
            );
        Assert.Equal(new[] { (0, "<pad>", true), (1, "<bos>", true), (2, "<eos>", true), (3, "<unk>", true) }, added);

        var loaded = WordLevelTokenizer.Load(path);
        Assert.Equal(tok.Tokens, loaded.Tokens);
        Assert.Equal(tok.Encode("The capital of Zürich is Rome"), loaded.Encode("The capital of Zürich is Rome"));
    }

    [Fact]
    public void ReadsAFileWrittenByHuggingFaceStyleTools()
    {
        // Typical Hugging Face fixture: [UNK] as unknown token, no BOS/EOS.
        const string json = """
            {"version":"1.0","added_tokens":[{"id":0,"content":"[UNK]","special":true}],
             "pre_tokenizer":{"type":"Whitespace"},"decoder":null,
             "model":{"type":"WordLevel","vocab":{"[UNK]":0,"hello":1,"world":2},"unk_token":"[UNK]"}}
            """;
        var path = Path.Combine(SharedPaths.TempDir("hf-wordlevel"), "tokenizer.json");
        File.WriteAllText(path, json);
        var tok = WordLevelTokenizer.Load(path);
        Assert.Equal(new[] { 1, 0, 2 }, tok.Encode("hello there world"));
        // "Whitespace" cuts punctuation off ("world", "!"); WhitespaceSplit would keep "world!" as one unknown word.
        Assert.Equal(WordSplit.Whitespace, tok.Split);
        Assert.Equal(new[] { 1, 2, 0 }, tok.Encode("hello world!"));
        Assert.Null(tok.BosId);
        Assert.Throws<DknInputException>(() => tok.Encode("hello", addBos: true));
    }

    [Fact]
    public void UnsupportedPreTokenizerIsRejected()
    {
        const string json = """
            {"pre_tokenizer":{"type":"Metaspace"},
             "model":{"type":"WordLevel","vocab":{"<unk>":0},"unk_token":"<unk>"}}
            """;
        var path = Path.Combine(SharedPaths.TempDir("metaspace"), "tokenizer.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<DknInputException>(() => WordLevelTokenizer.Load(path));
        Assert.Contains("Metaspace", e.Message);
    }

    [Fact]
    public void IdsWithAGapAreRejected()
    {
        const string json = """{"model":{"type":"WordLevel","vocab":{"<unk>":0,"a":2},"unk_token":"<unk>"}}""";
        var path = Path.Combine(SharedPaths.TempDir("gap"), "tokenizer.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<DknInputException>(() => WordLevelTokenizer.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TheAuthorsLowerCasedTargetFallsBackToTheWordAsWrittenInACaseSensitiveVocabulary()
    {
        var tokenizer = WordLevelTokenizer.Build(Facts);
        long paris = tokenizer.Encode("Paris", addBos: false)[0];
        Assert.NotEqual(tokenizer.UnkId, paris);
        Assert.Equal([paris], PromptEncoding.AuthorsTarget(tokenizer, "Paris", lowercase: true));
        // A word the vocabulary holds in neither case is still refused, never scored as <unk>.
        var e = Assert.Throws<DknInputException>(() =>
            PromptEncoding.AuthorsTarget(tokenizer, "Berlin", lowercase: true)
        );
        Assert.Contains("Berlin", e.Message);
    }
}
