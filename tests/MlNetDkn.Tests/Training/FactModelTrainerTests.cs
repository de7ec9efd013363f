using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Tests.Support;
using MlNetDkn.Training;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Training;

public class FactModelTrainerTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    [Fact]
    public void LearnsTheTinyWorld()
    {
        var accuracy = AnswerAccuracy.Evaluate(
            tiny.Trained.Model,
            tiny.Trained.Tokenizer,
            tiny.Dataset,
            PromptKinds.Prompts
        );
        Assert.True(accuracy >= 0.9, $"training-prompt accuracy {accuracy:P1}");
        Assert.Equal(accuracy, tiny.Trained.Log.FinalTrainAccuracy, 6);
        // The log shows learning, not a lucky start: the first epoch's loss is well above the last one's.
        Assert.True(tiny.Trained.Log.Epochs[0].MeanLoss > 2 * tiny.Trained.Log.Epochs[^1].MeanLoss);
        Assert.Equal(160, tiny.Trained.Log.TrainingExamples);
        Assert.Equal(80, tiny.Trained.Log.HeldoutExamples);
    }

    [Fact]
    public void SavedFolderReloadsWithIdenticalLogits()
    {
        using var loaded = ModelLoader.Load(tiny.Folder);
        var tokenizer = TokenizerLoader.FromModelFolder(tiny.Folder);
        Assert.Equal(tiny.Trained.Tokenizer.Tokens, ((WordLevelTokenizer)tokenizer).Tokens);
        var prompt = tiny.Dataset.Records[3].Prompts[0];
        using var tokens = tensor(tokenizer.Encode(prompt).Select(i => (long)i).ToArray()).unsqueeze(0);
        using var noGrad = no_grad();
        using var expected = tiny.Trained.Model.Forward(tokens);
        using var actual = loaded.Model.Forward(tokens);
        Assert.Equal(0.0, (expected - actual).abs().max().item<float>());
        foreach (
            var file in new[]
            {
                "config.json",
                "model.safetensors",
                "tokenizer.json",
                "training_log.json",
                "loss_curve.png",
            }
        )
            Assert.True(File.Exists(Path.Combine(tiny.Folder, file)), file);
        Assert.True(new FileInfo(Path.Combine(tiny.Folder, "loss_curve.png")).Length > 1000);
    }

    [Fact]
    public void Gpt2Conv1DWeightsAreStoredInOutOrder()
    {
        var file = SafetensorsFile.Open(Path.Combine(tiny.Folder, HuggingFaceFolder.SingleFile));
        Assert.Equal([64L, 192L], file.Entries["transformer.h.0.attn.c_attn.weight"].Shape); // [in, 3·out]
        Assert.Equal([64L, 128L], file.Entries["transformer.h.0.mlp.c_fc.weight"].Shape); // [d_model, d_ff]
        Assert.Equal([128L, 64L], file.Entries["transformer.h.1.mlp.c_proj.weight"].Shape); // [d_ff, d_model]
        Assert.Equal([64L, 64L], file.Entries["transformer.h.1.attn.c_proj.weight"].Shape);
        Assert.DoesNotContain("lm_head.weight", file.Entries.Keys); // tied to wte

        // c_proj is square, so only the values can tell orientation: stored = parameterᵀ.
        var parameter = tiny
            .Trained.Model.named_parameters()
            .Single(p => p.name == "transformer.h.1.attn.c_proj.weight")
            .parameter;
        using var stored = file.Read("transformer.h.1.attn.c_proj.weight");
        Assert.Equal(0f, (stored - parameter.detach().t()).abs().max().item<float>());
        Assert.True((stored - parameter.detach()).abs().max().item<float>() > 0);
        Assert.Equal(tiny.Trained.Model.named_parameters().Count(), file.Entries.Count);
    }

    [Fact]
    public void InspectPutsTheAnswerFirst()
    {
        foreach (var fact in tiny.Dataset.Records.Take(3))
        {
            var (code, stdout, stderr) = CliRunner.Run(
                "inspect",
                "--model",
                tiny.Folder,
                "--text",
                fact.Prompts[0],
                "--json"
            );
            Assert.True(code == 0, stderr);
            var top = System.Text.Json.Nodes.JsonNode.Parse(stdout)!["top"]![0]!["token"]!.GetValue<string>();
            Assert.Equal(fact.Answer, top);
        }
    }

    [Fact]
    public void TrainingIsDeterministicForASeed()
    {
        // Same data, options and seed: bitwise-equal weights (TorchSharp CPU kernels are deterministic here,
        // at the thread count the test process uses). A different seed gives different weights.
        using var again = FactModelTrainer.Train(TinyWorld.Dataset(), TinyWorld.Options());
        var folder = SharedPaths.TempDir("tiny-again");
        again.Save(folder);
        Assert.Equal(tiny.Dataset.ContentHash(), TinyWorld.Dataset().ContentHash());
        Assert.Equal(FactModelCache.ContentHash(tiny.Folder), FactModelCache.ContentHash(folder));
        Assert.Equal(tiny.Trained.Log.StepLosses, again.Log.StepLosses);

        using var other = FactModelTrainer.Train(TinyWorld.Dataset(), TinyWorld.Options(epochs: 1) with { Seed = 12 });
        var otherFolder = SharedPaths.TempDir("tiny-other-seed");
        other.Save(otherFolder);
        Assert.NotEqual(FactModelCache.ContentHash(tiny.Folder), FactModelCache.ContentHash(otherFolder));
    }
}
