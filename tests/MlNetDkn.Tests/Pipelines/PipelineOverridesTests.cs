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
        var d = Apply(
            "seed=3",
            "threads=1",
            "output=elsewhere",
            "steps.train-fact-model.epochs=5",
            "steps.1.learning_rate=0.01",
            "steps.synthetic-world.file=world 1.parquet",
            "steps.train-fact-model.tie_embeddings=false"
        );
        Assert.Equal((3, 1, "elsewhere"), (d.Seed, d.Threads, d.Output));
        var train = PipelineValidator.Validate(d, Registry).Steps[1].Options;
        Assert.Equal(5, train.GetInt("epochs"));
        Assert.Equal(0.01, train.GetDouble("learning_rate"));
        Assert.False(train.GetBool("tie_embeddings"));
        Assert.Equal("world 1.parquet", PipelineValidator.Validate(d, Registry).Steps[0].Options.GetString("file"));
        Assert.Equal(40, Tiny.Steps[1].Options["epochs"]!.GetValue<int>()); // the original definition is untouched
    }

    [Theory]
    [InlineData(
        "steps.train-fact-model.epochs=abc",
        "--set steps.train-fact-model.epochs=abc: option 'epochs' of step 'train-fact-model': expected integer, "
            + "got \"abc\""
    )]
    [InlineData(
        "steps.train-fact-model.epoch=5",
        "unknown option 'epoch' for step 'train-fact-model'; did you mean 'epochs'? (valid: activation_l1, "
            + "answer_weight, batch_size,"
    )]
    [InlineData(
        "steps.attribution.steps=5",
        "the pipeline has no step or step folder 'attribution' (its steps: synthetic-world, train-fact-model, "
            + "evaluate-accuracy;"
    )]
    [InlineData("steps.train-fact-modle.epochs=5", "did you mean 'train-fact-model'?")]
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
    public void ARepeatedStepIsNamedByItsFolderOccurrenceOrPosition()
    {
        var json = """
            {"name": "x", "steps": [{"step": "synthetic-world"}, {"step": "synthetic-world",
              "options": {"file": "b.parquet"}},
              {"step": "attribute-knowledge-neurons"}, {"step": "attribute-knowledge-neurons",
                "options": {"folder": "attribution-authors"}}]}
            """;
        var d = PipelineDefinition.Parse(json, "x");
        var e = Assert.Throws<DknInputException>(() =>
            PipelineOverrides.Apply(d, ["steps.attribute-knowledge-neurons.steps=5"], Registry)
        );
        Assert.Contains(
            "appears 2 times; name it by its folder (attribution, attribution-authors), as "
                + "attribute-knowledge-neurons#1..attribute-knowledge-neurons#2, or by position (steps 2, 3)",
            e.Message
        );
        // A misspelled option is said to be one, whichever occurrence was meant.
        var typo = Assert.Throws<DknInputException>(() =>
            PipelineOverrides.Apply(d, ["steps.attribute-knowledge-neurons.stpes=5"], Registry)
        );
        Assert.Contains(
            "unknown option 'stpes' for step 'attribute-knowledge-neurons'; did you mean 'steps'?",
            typo.Message
        );

        var byFolder = PipelineOverrides.Apply(d, ["steps.attribution-authors.steps=5"], Registry).Steps;
        Assert.Equal(5, byFolder[3].Options["steps"]!.GetValue<int>());
        Assert.Null(byFolder[2].Options["steps"]);
        var byOccurrence = PipelineOverrides.Apply(d, ["steps.synthetic-world#2.entities=5"], Registry).Steps;
        Assert.Equal(5, byOccurrence[1].Options["entities"]!.GetValue<int>());
        Assert.Null(byOccurrence[0].Options["entities"]);
        var byPosition = PipelineOverrides.Apply(d, ["steps.1.entities=5"], Registry).Steps;
        Assert.Equal(5, byPosition[1].Options["entities"]!.GetValue<int>());
        Assert.Contains(
            "its occurrences are synthetic-world#1..synthetic-world#2",
            Assert
                .Throws<DknInputException>(() =>
                    PipelineOverrides.Apply(d, ["steps.synthetic-world#3.entities=5"], Registry)
                )
                .Message
        );
    }
}
