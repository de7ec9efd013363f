using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Modeling.Tokenization;

public class Llama2cTokenizerTests
{
    static string Tok512 => Path.Combine(SharedPaths.Models, "stories260K", "tok512.bin");
    static readonly Lazy<Llama2cTokenizer> Shared = new(() => Llama2cTokenizer.Load(Tok512));

    // Expected ids below come from runc_encode.py (beside this file), an independent Python port of llama2.c's
    // run.c encode(), run on the same tok512.bin: python3 runc_encode.py tok512.bin "Once upon a time" ...
    [Fact]
    public void OnceUponATimeMatchesRunC()
    {
        Assert.Equal(new[] { 403, 407, 261, 378 }, Shared.Value.Encode("Once upon a time"));
        Assert.Equal(
            new[] { 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395 },
            Shared.Value.Encode("Once upon a time, there was a little girl named")
        );
    }

    [Fact]
    public void UnknownCharactersFallBackToBytes()
    {
        // 'é' is a piece of its own; '☃' (E2 98 83) is not, so it becomes byte tokens 0xE2+3, 0x98+3, 0x83+3.
        Assert.Equal(new[] { 270, 485, 306, 414, 410, 229, 155, 134 }, Shared.Value.Encode("héllo ☃"));
    }

    [Theory]
    [InlineData("Once upon a time")]
    [InlineData("Tom's 2 dogs ran.\nThe end")]
    [InlineData("héllo ☃ 東京 🙂")]
    [InlineData("x")]
    public void DecodeRoundTrips(string text)
    {
        var tok = Shared.Value;
        Assert.Equal(text, tok.Decode(tok.Encode(text)));
        Assert.Equal(text, tok.Decode(tok.Encode(text, addBos: true).Append(2)));
    }

    [Fact]
    public void KnownWordsMergeIntoFewerTokensThanBytes()
    {
        const string text = "Once upon a time, there was a little girl named Lily.";
        Assert.True(Shared.Value.Encode(text).Count < System.Text.Encoding.UTF8.GetByteCount(text) / 2);
    }

    [Fact]
    public void SpecialIdsAndVocabulary()
    {
        var tok = Shared.Value;
        Assert.Equal(1, tok.BosId);
        Assert.Equal(2, tok.EosId);
        Assert.Equal(512, tok.VocabularySize);
        Assert.Equal("llama2c", tok.Kind);
        Assert.Equal(1, tok.Encode("Once", addBos: true)[0]);
        Assert.Empty(tok.Encode(""));
        Assert.Equal(" Once", tok.TokenText(403));
        Assert.Equal("A", tok.TokenText('A' + 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => tok.TokenText(512));
    }

    [Fact]
    public void TruncatedFileIsRejectedWithItsPath()
    {
        var path = Path.Combine(SharedPaths.TempDir("tok-truncated"), "tok512.bin");
        var bytes = File.ReadAllBytes(Tok512);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 3)]);
        var e = Assert.Throws<DknInputException>(() => Llama2cTokenizer.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void CheckpointPassedAsTokenizerIsRejected()
    {
        // stories260K.bin starts with dim = 64 and then floats: not a tokenizer layout.
        var path = Path.Combine(SharedPaths.Models, "stories260K", "stories260K.bin");
        var e = Assert.Throws<DknInputException>(() => Llama2cTokenizer.Load(path));
        Assert.Contains(path, e.Message);
    }
}
