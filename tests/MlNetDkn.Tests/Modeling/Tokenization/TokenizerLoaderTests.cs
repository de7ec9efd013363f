using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Modeling.Tokenization;

public class TokenizerLoaderTests
{
    static string FakeGpt2 => Path.Combine(SharedPaths.Models, "fake-gpt2");
    static string Stories => Path.Combine(SharedPaths.Models, "stories260K");

    [Fact]
    public void HuggingFaceGpt2FolderGivesGpt2Bpe()
    {
        var tok = TokenizerLoader.FromModelFolder(FakeGpt2);
        Assert.Equal("gpt2-bpe", tok.Kind);
        Assert.Equal(new[] { 15496, 995 }, tok.Encode("Hello world"));
        Assert.Equal(50256, tok.EosId);
    }

    [Fact]
    public void AnyFileOfTheFolderStandsForTheFolder()
    {
        var tok = TokenizerLoader.FromModelFolder(Path.Combine(FakeGpt2, "model.safetensors"));
        Assert.Equal(new[] { 15496, 995 }, tok.Encode("Hello world"));
    }

    [Fact]
    public void TokenizerJsonAloneIsEnough()
    {
        var dir = SharedPaths.TempDir("json-only");
        File.Copy(Path.Combine(FakeGpt2, "tokenizer.json"), Path.Combine(dir, "tokenizer.json"));
        var tok = TokenizerLoader.FromModelFolder(dir);
        Assert.Equal("gpt2-bpe", tok.Kind);
        Assert.Equal(new[] { 15496, 995 }, tok.Encode("Hello world"));
        Assert.Equal(
            new[] { 15496, 995 },
            TokenizerLoader.FromModelFolder(Path.Combine(dir, "tokenizer.json")).Encode("Hello world")
        );
    }

    [Fact]
    public void Gpt2WithoutFilesUsesTheBundledVocabulary()
    {
        var empty = SharedPaths.TempDir("empty-gpt2");
        Assert.Equal(new[] { 15496, 995 }, TokenizerLoader.FromModelFolder(empty, "gpt2").Encode("Hello world"));
        Assert.Equal(new[] { 15496, 995 }, TokenizerLoader.FromModelFolder("gpt2").Encode("Hello world"));

        // config.json's model_type is the hint when no model type is given.
        File.WriteAllText(Path.Combine(empty, "config.json"), """{"model_type": "gpt2", "n_embd": 8}""");
        Assert.Equal("gpt2-bpe", TokenizerLoader.FromModelFolder(empty).Kind);
    }

    [Fact]
    public void Llama2cCheckpointFindsTheTokenizerBesideIt()
    {
        var viaCheckpoint = TokenizerLoader.FromModelFolder(Path.Combine(Stories, "stories260K.bin"));
        Assert.Equal("llama2c", viaCheckpoint.Kind);
        Assert.Equal(512, viaCheckpoint.VocabularySize);
        Assert.Equal(new[] { 403, 407, 261, 378 }, viaCheckpoint.Encode("Once upon a time"));
        Assert.Equal("llama2c", TokenizerLoader.FromModelFolder(Stories).Kind);
        Assert.Equal("llama2c", TokenizerLoader.FromModelFolder(Path.Combine(Stories, "tok512.bin")).Kind);
    }

    [Fact]
    public void Llama2cCheckpointWithoutTokenizerIsReported()
    {
        var dir = SharedPaths.TempDir("lonely-ckpt");
        var ckpt = Path.Combine(dir, "model.bin");
        File.WriteAllBytes(ckpt, new byte[64]);
        var e = Assert.Throws<DknInputException>(() => TokenizerLoader.FromModelFolder(ckpt));
        Assert.Contains(dir, e.Message);
        Assert.Contains("tok512.bin", e.Message);
        Assert.Contains("tokenizer.bin", e.Message);
    }

    [Fact]
    public void WordLevelTokenizerJsonWinsOverOtherFiles()
    {
        var dir = SharedPaths.TempDir("wordlevel-folder");
        WordLevelTokenizer.Build(["Paris is in France"]).Save(Path.Combine(dir, "tokenizer.json"));
        File.Copy(Path.Combine(FakeGpt2, "vocab.json"), Path.Combine(dir, "vocab.json"));
        File.Copy(Path.Combine(FakeGpt2, "merges.txt"), Path.Combine(dir, "merges.txt"));
        var tok = TokenizerLoader.FromModelFolder(dir);
        Assert.Equal("word-level", tok.Kind);
        Assert.Equal(tok.Encode("Paris"), tok.Encode(" Paris"));
    }

    [Fact]
    public void SentencePieceModelIsPicked()
    {
        var dir = SharedPaths.TempDir("spm-folder");
        File.WriteAllBytes(
            Path.Combine(dir, "tokenizer.model"),
            TinySentencePieceModel.Build(("▁", -1), ("a", -1), ("▁a", -2))
        );
        var tok = TokenizerLoader.FromModelFolder(dir, "llama");
        Assert.Equal("sentencepiece", tok.Kind);
        Assert.Equal(new[] { 261 }, tok.Encode("a"));
    }

    [Fact]
    public void CorruptSentencePieceModelIsReportedByName()
    {
        var dir = SharedPaths.TempDir("bad-spm-folder");
        var path = Path.Combine(dir, "tokenizer.model");
        File.WriteAllText(path, "this is not a protobuf");
        var e = Assert.Throws<DknInputException>(() => TokenizerLoader.FromModelFolder(dir));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void EmptyFolderListsWhatWasLookedFor()
    {
        var dir = SharedPaths.TempDir("nothing");
        var e = Assert.Throws<DknInputException>(() => TokenizerLoader.FromModelFolder(dir));
        Assert.Contains(dir, e.Message);
        foreach (var name in new[] { "tokenizer.json", "vocab.json", "merges.txt", "tokenizer.model", "tok512.bin" })
            Assert.Contains(name, e.Message);
    }

    [Fact]
    public void MissingPathIsReported()
    {
        var missing = Path.Combine(SharedPaths.TempDir("missing"), "no-such-model");
        var e = Assert.Throws<DknInputException>(() => TokenizerLoader.FromModelFolder(missing));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void UnsupportedTokenizerJsonNamesItsType()
    {
        var dir = SharedPaths.TempDir("wordpiece");
        File.WriteAllText(
            Path.Combine(dir, "tokenizer.json"),
            """{"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":1},"unk_token":"[UNK]"}}"""
        );
        var e = Assert.Throws<DknInputException>(() => TokenizerLoader.FromModelFolder(dir));
        Assert.Contains("WordPiece", e.Message);
        Assert.Contains(Path.Combine(dir, "tokenizer.json"), e.Message);
    }
}
