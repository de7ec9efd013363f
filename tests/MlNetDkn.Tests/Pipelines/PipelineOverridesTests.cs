using MlNetDkn.Pipelines;

namespace MlNetDkn.Tests.Pipelines;

public class PipelineOverridesTests
{
    static readonly StepRegistry Registry = MlNetDkn.ML.Pipelines.PipelineSteps.CreateRegistry();
    static readonly PipelineDefinition Tiny = PipelineDefinition.Parse(PipelineFiles.Tiny, "tiny");

    static PipelineDefinition Apply(params string[] sets) => PipelineOverrides.Apply(Tiny, sets, Registry);

    [Fact]
    public void TopLevelAndStepOptionsAreOverriddenWithTheirTypes()
    {
        var d = Apply("seed=3", "threads=1", "output=elsewhere", "steps.train-fact-model.epochs=5",
            "steps.1.learning_rate=0.01", "steps.synthetic-world.file=world 1.parquet", "steps.train-fact-model.tie_embeddings=false");
        Assert.Equal((3, 1, "elsewhere"), (d.Seed, d.Threads, d.Output));
        var train = PipelineValidator.Validate(d, Registry).Steps[1].Options;
        Assert.Equal(5, train.GetInt("epochs"));
        Assert.Equal(0.01, train.GetDouble("learning_rate"));
        Assert.False(train.GetBool("tie_embeddings"));
        Assert.Equal("world 1.parquet", PipelineValidator.Validate(d, Registry).Steps[0].Options.GetString("file"));
        Assert.Equal(40, Tiny.Steps[1].Options["epochs"]!.GetValue<int>());   // the original definition is untouched
    }

    [Theory]
    [InlineData("steps.train-fact-model.epochs=abc", "--set steps.train-fact-model.epochs=abc: option 'epochs' of step 'train-fact-model': expected integer, got \"abc\"")]
    [InlineData("steps.train-fact-model.epoch=5", "unknown option 'epoch' for step 'train-fact-model' (valid: activation_l1, answer_weight, batch_size,")]
    [InlineData("steps.attribution.steps=5", "the pipeline has no step 'attribution' (its steps: synthetic-world, train-fact-model, evaluate-accuracy)")]
    [InlineData("steps.7.epochs=5", "there is no step 7 (the pipeline has 3 steps, numbered from 0)")]
    [InlineData("steps.train-fact-model=5", "is not steps.<step-name>.<option> or steps.<index>.<option>")]
    [InlineData("seed=x", "--set seed=x: expected integer, got \"x\"")]
    [InlineData("sed=3", "unknown key 'sed'")]
    [InlineData("epochs", "--set epochs: expected key=value")]
    [InlineData("steps.train-fact-model.loss=some", "expected one of all, answer, got \"some\"")]
    public void BadOverridesNameTheArgument(string set, string expected)
    {
        var e = Assert.Throws<DknInputException>(() => Apply(set));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith($"--set {set}:", e.Message);
    }

    [Fact]
    public void ARepeatedStepMustBeNamedByPosition()
    {
        var json = """{"name": "x", "steps": [{"step": "synthetic-world"}, {"step": "synthetic-world", "options": {"file": "b.parquet"}}]}""";
        var d = PipelineDefinition.Parse(json, "x");
        var e = Assert.Throws<DknInputException>(() => PipelineOverrides.Apply(d, ["steps.synthetic-world.entities=5"], Registry));
        Assert.Contains("appears 2 times; name it by position instead, e.g. steps.0.<option>", e.Message);
        var applied = PipelineOverrides.Apply(d, ["steps.1.entities=5"], Registry);
        Assert.Equal(5, PipelineValidator.Validate(applied, Registry).Steps[1].Options.GetInt("entities"));
        Assert.Equal(200, PipelineValidator.Validate(applied, Registry).Steps[0].Options.GetInt("entities"));
    }
}
