using MlNetDkn.Pipelines;

namespace MlNetDkn.Tests.Pipelines;

public class PipelineValidationTests
{
    static readonly StepRegistry Registry = MlNetDkn.ML.Pipelines.PipelineSteps.CreateRegistry();

    static PipelineValidationException Invalid(string json)
    {
        var path = PipelineFiles.Write(json);
        var e = Assert.Throws<PipelineValidationException>(() =>
            PipelineValidator.Validate(PipelineDefinition.Load(path), Registry)
        );
        Assert.StartsWith(path + ":", e.Message);
        return e;
    }

    [Fact]
    public void TheTinyPipelineIsValidAndResolvesDefaults()
    {
        var pipeline = PipelineValidator.Validate(PipelineDefinition.Parse(PipelineFiles.Tiny, "tiny"), Registry);
        Assert.Equal(
            ["synthetic-world", "train-fact-model", "evaluate-accuracy"],
            pipeline.Steps.Select(s => s.Step.Name)
        );
        var train = pipeline.Steps[1].Options;
        Assert.Equal(40, train.GetInt("epochs"));
        Assert.Equal(0.005, train.GetDouble("learning_rate"));
        Assert.Equal("cosine", train.GetString("schedule")); // a default
        Assert.Equal(7, train.GetInt("seed", fallback: 7)); // unset: falls back to the pipeline seed
        Assert.Equal(256, pipeline.Steps[2].Options.GetInt("batch_size"));
    }

    [Fact]
    public void UnknownStepListsTheKnownSteps()
    {
        var e = Invalid("""{"name": "x", "steps": [{"step": "synthetic-world"}, {"step": "trian-fact-model"}]}""");
        Assert.Contains("$.steps[1].step: unknown step 'trian-fact-model'", e.Message);
        Assert.Contains($"known steps: {string.Join(", ", Registry.Names)})", e.Message);
        Assert.Contains("train-fact-model", Registry.Names);
    }

    [Fact]
    public void UnknownOptionListsTheValidOptions()
    {
        var e = Invalid("""{"name": "x", "steps": [{"step": "synthetic-world", "options": {"entitys": 5}}]}""");
        Assert.Contains("$.steps[0].options.entitys: unknown option 'entitys' for step 'synthetic-world'", e.Message);
        Assert.Contains("answers, change_probability, dated, entities,", e.Message);
    }

    [Fact]
    public void MistypedValuesNameExpectedTypeAndGivenValue()
    {
        var e = Invalid(
            """
            {"name": "x", "steps": [{"step": "synthetic-world"},
              {"step": "train-fact-model", "options": {"epochs": "five", "learning_rate": true, "loss": "some",
                "layers": 2.5}}]}
            """
        );
        Assert.Equal(4, e.Errors.Count);
        Assert.Contains("$.steps[1].options.epochs: expected integer, got \"five\"", e.Message);
        Assert.Contains("$.steps[1].options.learning_rate: expected number, got true", e.Message);
        Assert.Contains("$.steps[1].options.loss: expected one of all, answer, got \"some\"", e.Message);
        Assert.Contains("$.steps[1].options.layers: expected integer, got 2.5", e.Message);
    }

    [Fact]
    public void MissingRequiredOptionAndMissingInputsAreReported()
    {
        var e = Invalid("""{"name": "x", "steps": [{"step": "evaluate-accuracy"}, {"step": "load-facts"}]}""");
        Assert.Contains("$.steps[0]: step 'evaluate-accuracy' needs a dataset", e.Message);
        Assert.Contains("$.steps[0]: step 'evaluate-accuracy' needs a model", e.Message);
        Assert.Contains("(steps providing it: load-model, ", e.Message);
        Assert.Contains("train-fact-model", e.Message);
        Assert.Contains("$.steps[1].options.path: missing required option 'path' of step 'load-facts'", e.Message);
    }

    [Fact]
    public void FileShapeErrorsNameTheirPath()
    {
        var e = Invalid("""{"name": 3, "outptu": "x", "steps": [{"step": "synthetic-world", "option": {}}, 5]}""");
        Assert.Contains(
            "$.outptu: unknown key 'outptu' (valid: name, description, seed, output, device, dtype, threads, "
                + "steps, variants)",
            e.Message
        );
        Assert.Contains("$.name: expected a string, got 3", e.Message);
        Assert.Contains("$.steps[0].option: unknown key 'option' (valid: step, options)", e.Message);
        Assert.Contains("$.steps[1]: expected an object", e.Message);

        var path = PipelineFiles.Write("{ \"name\": ");
        Assert.Contains("invalid JSON", Assert.Throws<DknInputException>(() => PipelineDefinition.Load(path)).Message);
        Assert.Contains(
            "pipeline file not found",
            Assert.Throws<DknInputException>(() => PipelineDefinition.Load(path + ".missing")).Message
        );
    }

    [Fact]
    public void EveryShippedPipelineIsValid()
    {
        var files = Directory.GetFiles(Path.Combine(Support.SharedPaths.RepoRoot, "pipelines"), "*.json");
        Assert.True(files.Length >= 3, string.Join(", ", files));
        foreach (var file in files)
        {
            var definition = PipelineDefinition.Load(file);
            PipelineValidator.Validate(definition, Registry);
            if (definition.Variants.Count > 0)
                MlNetDkn.ML.Pipelines.VariantRunner.Plan(definition, null, Registry);
        }
    }

    [Fact]
    public void QuickstartPipelineIsValid()
    {
        var path = Path.Combine(Support.SharedPaths.RepoRoot, "pipelines", "quickstart.json");
        var pipeline = PipelineValidator.Validate(PipelineDefinition.Load(path), Registry);
        Assert.Equal("quickstart", pipeline.Definition.Name);
        Assert.Contains(pipeline.Steps, s => s.Step.Name == "train-fact-model");
    }
}
