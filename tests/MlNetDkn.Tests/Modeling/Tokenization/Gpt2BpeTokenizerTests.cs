using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Modeling.Tokenization;

public class Gpt2BpeTokenizerTests
{
    static string FakeGpt2 => Path.Combine(SharedPaths.Models, "fake-gpt2");

    public static TheoryData<string> Sources => new() { "vocab+merges", "tokenizer.json", "embedded" };

    // Building from the 2 MB tokenizer.json takes a while; each source is built once per test run.
    static readonly Dictionary<string, Lazy<Gpt2BpeTokenizer>> Built = new[]
    {
        "vocab+merges",
        "tokenizer.json",
        "embedded",
    }.ToDictionary(s => s, s => new Lazy<Gpt2BpeTokenizer>(() => Build(s)));

    static Gpt2BpeTokenizer Create(string source) => Built[source].Value;

    static Gpt2BpeTokenizer Build(string source) =>
        source switch
        {
            "vocab+merges" => Gpt2BpeTokenizer.FromVocabAndMerges(
                Path.Combine(FakeGpt2, "vocab.json"),
                Path.Combine(FakeGpt2, "merges.txt")
            ),
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
        foreach (
            var text in new[]
            {
                "The capital of France is Paris.",
                "  two  spaces\n\ttab",
                "naïve café — 東京 🙂 ∑x²",
                "",
            }
        )
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

    [Theory, MemberData(nameof(Sources))]
    public void RunsOfSpacesSplitAsInGpt2(string source)
    {
        // GPT-2's regex leaves one space to join the next word: "Hello", " ", " world".
        Assert.Equal(new[] { 15496, 220, 995 }, Create(source).Encode("Hello  world"));
        Assert.Equal(new[] { 64, 50256, 65 }, Create(source).Encode("a<|endoftext|>b"));
    }

    // The file-based tokenizers (BpeTokenizer) and the bundled one (Tiktoken ranks) are separate implementations
    // over separate data, so agreement on text that exercises the pre-tokenizer is a real check.
    [Theory]
    [InlineData("Knowledge neurons: the Eiffel Tower is located in the city of Paris, 1889 (ca. 330 m)!")]
    [InlineData("I'm   here\n\n  they've  12345 x\t\ty   ")]
    [InlineData("naïve café — 東京 🙂 ∑x² it's DON'T")]
    public void FileAndEmbeddedEncodingsAgree(string text)
    {
        var expected = Create("embedded").Encode(text);
        Assert.Equal(expected, Create("vocab+merges").Encode(text));
        Assert.Equal(expected, Create("tokenizer.json").Encode(text));
        Assert.All(expected, id => Assert.InRange(id, 0, 50256));
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
    public void PrefixSpacePreTokenizerIsRefused()
    {
        // RoBERTa-style add_prefix_space would give different ids; refuse rather than silently differ.
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(FakeGpt2, "tokenizer.json")))!;
        json["pre_tokenizer"]!["add_prefix_space"] = true;
        var path = Path.Combine(SharedPaths.TempDir("prefix-space"), "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<DknInputException>(() => Gpt2BpeTokenizer.FromTokenizerJson(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("add_prefix_space", e.Message);
    }

    [Fact]
    public void MissingMergesFileNamesIt()
    {
        var missing = Path.Combine(SharedPaths.TempDir("no-merges"), "merges.txt");
        var e = Assert.Throws<DknInputException>(() =>
            Gpt2BpeTokenizer.FromVocabAndMerges(Path.Combine(FakeGpt2, "vocab.json"), missing)
        );
        Assert.Contains(missing, e.Message);
    }
}
