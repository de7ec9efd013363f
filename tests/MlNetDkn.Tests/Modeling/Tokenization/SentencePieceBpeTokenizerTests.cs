using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Modeling.Tokenization;

public class SentencePieceBpeTokenizerTests
{
    // ids 259.. in order; a higher score merges first, as in SentencePiece BPE.
    static readonly (string, float)[] Pieces =
    [
        ("▁", -1),
        ("a", -1),
        ("b", -1),
        ("c", -1), // 259..262
        ("▁a", -2),
        ("ab", -3),
        ("▁ab", -4), // 263..265
    ];

    static SentencePieceBpeTokenizer Tiny() =>
        SentencePieceBpeTokenizer.Load(new MemoryStream(TinySentencePieceModel.Build(Pieces)), "tiny.model");

    [Fact]
    public void MergesByScoreAfterTheDummyPrefix()
    {
        // "ab c" -> "▁ab▁c": "▁a" (-2) beats "ab" (-3), then "▁a"+"b" = "▁ab"; "▁c" is no piece.
        Assert.Equal(new[] { 265, 259, 262 }, Tiny().Encode("ab c"));
    }

    [Fact]
    public void UnknownCharactersFallBackToBytes()
    {
        // 'é' = C3 A9 is not a piece: byte ids are 3 + byte value.
        Assert.Equal(new[] { 259, 0xC3 + 3, 0xA9 + 3 }, Tiny().Encode("é"));
    }

    [Theory]
    [InlineData("ab c")]
    [InlineData("cab  ba é☃")]
    public void DecodeRoundTrips(string text)
    {
        var tok = Tiny();
        Assert.Equal(text, tok.Decode(tok.Encode(text)));
        Assert.Equal(text, tok.Decode(tok.Encode(text, addBos: true).Append(2)));
    }

    [Fact]
    public void SpecialIdsAndTokenText()
    {
        var tok = Tiny();
        Assert.Equal(1, tok.BosId);
        Assert.Equal(2, tok.EosId);
        Assert.Equal(266, tok.VocabularySize);
        Assert.Equal(new[] { 1, 265 }, tok.Encode("ab", addBos: true));
        Assert.Equal(" ab", tok.TokenText(265));
        Assert.Equal("A", tok.TokenText('A' + 3));
    }

    [Fact]
    public void MissingModelNamesTheFile()
    {
        var path = Path.Combine(SharedPaths.TempDir("no-spm"), "tokenizer.model");
        var e = Assert.Throws<DknInputException>(() => SentencePieceBpeTokenizer.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CorruptModelNamesTheFile()
    {
        var path = Path.Combine(SharedPaths.TempDir("bad-spm"), "tokenizer.model");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03, 0x04]);
        var e = Assert.Throws<DknInputException>(() => SentencePieceBpeTokenizer.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("SentencePiece", e.Message);
    }
}
