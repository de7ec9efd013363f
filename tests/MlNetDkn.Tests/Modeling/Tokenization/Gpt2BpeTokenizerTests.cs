using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Modeling.Tokenization;

public class Gpt2BpeTokenizerTests
{
    static string FakeGpt2 => Path.Combine(SharedPaths.Models, "fake-gpt2");

    public static TheoryData<string> Sources => new() { "vocab+merges", "tokenizer.json", "embedded" };

    static Gpt2BpeTokenizer Create(string source) => source switch
    {
        "vocab+merges" => Gpt2BpeTokenizer.FromVocabAndMerges(
            Path.Combine(FakeGpt2, "vocab.json"), Path.Combine(FakeGpt2, "merges.txt")),
        "tokenizer.json" => Gpt2BpeTokenizer.FromTokenizerJson(Path.Combine(FakeGpt2, "tokenizer.json")),
        "embedded" => Gpt2BpeTokenizer.Embedded(),
        _ => throw new ArgumentException(source),
    };

    // [15496, 995] is the widely quoted GPT-2 encoding of "Hello world"; "ĠParis" is 6342 in GPT-2's vocab.json.
    [Theory, MemberData(nameof(Sources))]
    public void HelloWorldHasTheReferenceIds(string source)
    {
        var tok = Create(source);
        Assert.Equal(new[] { 15496, 995 }, tok.Encode("Hello world"));
        Assert.Equal(new[] { 6342 }, tok.Encode(" Paris"));
    }

    [Theory, MemberData(nameof(Sources))]
    public void SpecialTokensAndSizeMatchGpt2(string source)
    {
        var tok = Create(source);
        Assert.Equal(50257, tok.VocabularySize);
        Assert.Equal(50256, tok.BosId);
        Assert.Equal(50256, tok.EosId);
        Assert.Equal(new[] { 50256, 15496, 995 }, tok.Encode("Hello world", addBos: true));
        Assert.Equal("gpt2-bpe", tok.Kind);
    }

    [Theory, MemberData(nameof(Sources))]
    public void DecodeRoundTripsArbitraryText(string source)
    {
        var tok = Create(source);
        foreach (var text in new[] { "The capital of France is Paris.", "  two  spaces\n\ttab", "naïve café — 東京 🙂 ∑x²", "" })
            Assert.Equal(text, tok.Decode(tok.Encode(text)));
    }

    [Theory, MemberData(nameof(Sources))]
    public void DecodeDropsMarkersAndTokenTextShowsSpaces(string source)
    {
        var tok = Create(source);
        Assert.Equal("Hello world", tok.Decode(tok.Encode("Hello world", addBos: true).Append(50256)));
        Assert.Equal(" Paris", tok.TokenText(6342));
        Assert.Throws<ArgumentOutOfRangeException>(() => tok.TokenText(50257));
    }

    [Fact]
    public void FileAndEmbeddedEncodingsAgreeOnLongerText()
    {
        const string text = "Knowledge neurons: the Eiffel Tower is located in the city of Paris, 1889 (ca. 330 m)!";
        Assert.Equal(Create("embedded").Encode(text), Create("vocab+merges").Encode(text));
        Assert.Equal(Create("embedded").Encode(text), Create("tokenizer.json").Encode(text));
    }

    [Fact]
    public void TokenizerJsonWithArrayMergesIsRead()
    {
        // Newer tokenizers library versions write merges as ["a", "b"] pairs.
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(FakeGpt2, "tokenizer.json")))!;
        var merges = json["model"]!["merges"]!.AsArray();
        var pairs = new System.Text.Json.Nodes.JsonArray();
        foreach (var m in merges)
        {
            var parts = m!.GetValue<string>().Split(' ');
            pairs.Add(new System.Text.Json.Nodes.JsonArray(parts[0], parts[1]));
        }
        json["model"]!["merges"] = pairs;
        var path = Path.Combine(SharedPaths.TempDir("array-merges"), "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        Assert.Equal(new[] { 15496, 995 }, Gpt2BpeTokenizer.FromTokenizerJson(path).Encode("Hello world"));
    }

    [Fact]
    public void MissingMergesFileNamesIt()
    {
        var missing = Path.Combine(SharedPaths.TempDir("no-merges"), "merges.txt");
        var e = Assert.Throws<DknInputException>(() =>
            Gpt2BpeTokenizer.FromVocabAndMerges(Path.Combine(FakeGpt2, "vocab.json"), missing));
        Assert.Contains(missing, e.Message);
    }
}
