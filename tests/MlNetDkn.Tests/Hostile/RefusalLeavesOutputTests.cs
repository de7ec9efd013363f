using System.Text.Json.Nodes;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Hostile;

/// <summary>
/// Inputs found bad only once the model and facts are read together are refused before anything in --out is
/// created or changed: a previous run's folder is byte for byte (and timestamp for timestamp) what it was.
/// </summary>
public class RefusalLeavesOutputTests(HostileWorld world) : IClassFixture<HostileWorld>
{
    FactRecord FirstFactWith(Action<FactRecord> edit)
    {
        var f = world.Dataset.Records[0];
        var copy = new FactRecord
        {
            FactId = f.FactId,
            RelationId = f.RelationId,
            Subject = f.Subject,
            Answer = f.Answer,
            Prompts = [.. f.Prompts],
            Split = f.Split,
            Source = f.Source,
        };
        edit(copy);
        return copy;
    }

    string FactsFile(FactRecord fact)
    {
        var path = Path.Combine(SharedPaths.TempDir("hostile-facts"), "facts.parquet");
        new FactDataset([fact, .. world.Dataset.Records.Skip(1).Take(2)]).Write(path);
        return path;
    }

    /// <summary>Runs the verb against a copy of a finished run and checks the refusal and the untouched
    /// folder.</summary>
    void RefusedWithoutAWrite(string verb, string model, string facts, string expected)
    {
        var output = world.CopyOfRun();
        var before = HostileWorld.Snapshot(output);
        Assert.Contains("manifest.json", before.Keys);
        string[] args =
            verb == "attribute"
                ? HostileWorld.Attribute(model, facts, output)
                : ["degenerate", "--model", model, "--data", facts, "--out", output];
        var (code, _, err) = CliRunner.Run(args);
        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.True(err.Contains(expected), err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Equal(before, HostileWorld.Snapshot(output));
    }

    [Fact]
    public void AnAnswerTheTokenizerDoesNotKnow() =>
        RefusedWithoutAWrite(
            "attribute",
            world.Model,
            FactsFile(FirstFactWith(f => f.Answer = "Zzyzx")),
            "answer 'Zzyzx' has a word the model's word-level vocabulary does not hold"
        );

    [Fact]
    public void APromptLongerThanThePositions()
    {
        var facts = FactsFile(FirstFactWith(f => f.Prompts = [string.Join(" ", Enumerable.Repeat(f.Prompts[0], 6))]));
        RefusedWithoutAWrite("attribute", world.Model, facts, "more than the model's 16 positions");
        RefusedWithoutAWrite("degenerate", world.Model, facts, "more than the model's 16 positions");
    }

    [Fact]
    public void APromptTokenIdBeyondTheModelsVocabulary()
    {
        // The tokenizer knows one word more than the model has embeddings for.
        var model = world.CopyOfModel();
        var path = Path.Combine(model, "tokenizer.json");
        var tokenizer = JsonNode.Parse(File.ReadAllText(path))!;
        var vocab = tokenizer["model"]!["vocab"]!.AsObject();
        vocab["Zzyzx"] = vocab.Count;
        File.WriteAllText(path, tokenizer.ToJsonString());
        var facts = FactsFile(FirstFactWith(f => f.Prompts = ["Zzyzx " + f.Prompts[0]]));
        RefusedWithoutAWrite(
            "attribute",
            model,
            facts,
            $"token id {vocab.Count - 1} is outside the model's vocabulary"
        );
    }

    [Fact]
    public void ATruncatedCheckpoint()
    {
        var model = world.CopyOfModel();
        var weights = Path.Combine(model, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..^100]);
        RefusedWithoutAWrite("attribute", model, world.Facts, "(truncated file?)");
    }

    [Fact]
    public void NaNWeights()
    {
        var model = world.CopyOfModel();
        using (var loaded = ModelLoader.Load(world.Model))
        {
            using var noGrad = TorchSharp.torch.no_grad();
            loaded.Model.named_parameters().First(p => p.name.EndsWith("mlp.c_fc.weight")).parameter[0, 0] = float.NaN;
            MlNetDkn.Modeling.Checkpoints.HuggingFaceExport.Save(loaded.Model, model);
        }
        RefusedWithoutAWrite("attribute", model, world.Facts, "holds NaN values");
        RefusedWithoutAWrite("degenerate", model, world.Facts, "holds NaN values");
    }

    [Fact]
    public void ABadConfigValue()
    {
        var model = world.CopyOfModel();
        var path = Path.Combine(model, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["n_head"] = 0;
        File.WriteAllText(path, config.ToJsonString());
        RefusedWithoutAWrite("attribute", model, world.Facts, "n_head");
    }
}
