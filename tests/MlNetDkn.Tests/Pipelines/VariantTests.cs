using System.Text.Json.Nodes;
using MlNetDkn.Metrics;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Pipelines.Variants;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>
/// A pipeline with "variants" runs once per variant into its own folder, is validated whole before any work,
/// resumes finished variants, and compares the runs from their manifests.
/// </summary>
public class VariantTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    readonly Lazy<string> _facts = new(() =>
    {
        var path = Path.Combine(SharedPaths.TempDir("sweep-facts"), "facts.parquet");
        tiny.Dataset.Write(path);
        return path;
    });

    string Sweep(string variants) =>
        $$$"""
            {
              "name": "sweep-check",
              "steps": [
                { "step": "load-facts", "options": { "path": "{{{_facts.Value}}}" } },
                { "step": "select-facts", "options": { "max_facts": 6 } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "evaluate-accuracy" },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 4 } },
                { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors", "methods": "ntc,kmeans" } }
              ],
              "variants": {{{variants}}}
            }
            """;

    const string TwoVariants = """
        [ { "name": "four-steps" },
          { "name": "two-prompts", "set": ["steps.attribute-knowledge-neurons.max_prompts=2",
            "steps.select-facts.max_facts=4"] } ]
        """;

    [Fact]
    public void EachVariantRunsIntoItsOwnFolderAndTheTablesCompareThem()
    {
        var root = Path.Combine(SharedPaths.TempDir("sweep"), "out");
        var registry = PipelineSteps.CreateRegistry();
        var definition = PipelineDefinition.Load(PipelineFiles.Write(Sweep(TwoVariants)));
        var plan = VariantRunner.Plan(definition, root, registry);
        var result = VariantRunner.Run(
            definition,
            plan,
            new PipelineRunOptions { Output = root },
            new TextPipelineReporter()
        );

        Assert.Equal(["completed", "completed"], result.Status.Values);
        foreach (var name in new[] { "four-steps", "two-prompts" })
            Assert.True(File.Exists(Path.Combine(root, name, "dkn", "dkn_facts.csv")), name);
        // The variant's setting reached its run: 4 facts there, 6 in the other.
        Assert.Equal(
            7,
            File.ReadAllLines(Path.Combine(root, "four-steps", "attribution", "attribution_facts.csv")).Length
        );
        Assert.Equal(
            5,
            File.ReadAllLines(Path.Combine(root, "two-prompts", "attribution", "attribution_facts.csv")).Length
        );

        var wide = MetricTable.ReadParquet(Path.Combine(root, VariantComparison.WideTable + ".parquet")).Table;
        Assert.Equal(["four-steps", "two-prompts"], (string[])wide.Column("variant"));
        Assert.Equal([6.0, 4.0], (double[])wide.Column("attribution.facts"));
        var prompts = (double[])wide.Column("attribution.prompts");
        Assert.True(prompts[1] <= 2 * 4 && prompts[0] > prompts[1], string.Join(",", prompts));

        // The DKN table's counts are the ones the variant's own dkn_summary says.
        var dkn = MetricTable.ReadParquet(Path.Combine(root, VariantComparison.DknTable + ".parquet")).Table;
        var kmeans = CsvRows
            .Read(Path.Combine(root, "two-prompts", "dkn", "dkn_summary.csv"))
            .Single(r => r["method"] == "KMeans");
        int row = Enumerable
            .Range(0, dkn.RowCount)
            .Single(i =>
                ((string[])dkn.Column("variant"))[i] == "two-prompts" && ((string[])dkn.Column("method"))[i] == "KMeans"
            );
        Assert.Equal(double.Parse(kmeans["facts_with_dkn"]), ((double[])dkn.Column("facts_with_dkn"))[row]);
        Assert.Equal(4, ((double[])dkn.Column("facts"))[row]);
        Assert.True(File.Exists(Path.Combine(root, "variants_dkn.png")));
        var sweep = JsonNode.Parse(File.ReadAllText(Path.Combine(root, VariantRunner.SweepFile)))!;
        Assert.Equal("completed", sweep["variants"]![1]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void AFinishedVariantIsReusedAndAChangedOneRunsAgain()
    {
        var root = Path.Combine(SharedPaths.TempDir("sweep-resume"), "out");
        var registry = PipelineSteps.CreateRegistry();
        var definition = PipelineDefinition.Load(PipelineFiles.Write(Sweep(TwoVariants)));
        VariantRunner.Run(
            definition,
            VariantRunner.Plan(definition, root, registry),
            new PipelineRunOptions { Output = root },
            new TextPipelineReporter()
        );
        var firstStart = Started(root, "four-steps");

        // Interrupted: the second variant's run never finished.
        var manifest = Path.Combine(root, "two-prompts", RunManifest.FileName);
        var broken = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        broken["status"] = "cancelled";
        File.WriteAllText(manifest, broken.ToJsonString());
        var reporter = new TextPipelineReporter();
        var again = VariantRunner.Run(
            definition,
            VariantRunner.Plan(definition, root, registry),
            new PipelineRunOptions { Output = root },
            reporter
        );
        Assert.Equal("reused", again.Status["four-steps"]);
        Assert.Equal("completed", again.Status["two-prompts"]);
        Assert.Equal(firstStart, Started(root, "four-steps"));

        // A variant whose settings change is not reused.
        var changed = PipelineDefinition.Load(
            PipelineFiles.Write(
                Sweep("""[ { "name": "four-steps", "set": ["steps.attribute-knowledge-neurons.steps=3"] } ]""")
            )
        );
        var third = VariantRunner.Run(
            changed,
            VariantRunner.Plan(changed, root, registry),
            new PipelineRunOptions { Output = root },
            new TextPipelineReporter()
        );
        Assert.Equal("completed", third.Status["four-steps"]);
        Assert.NotEqual(firstStart, Started(root, "four-steps"));
    }

    [Fact]
    public void AVariantsTablesEqualASeparateRunWithTheSameSettings()
    {
        var root = Path.Combine(SharedPaths.TempDir("sweep-vs-run"), "sweep");
        var registry = PipelineSteps.CreateRegistry();
        var definition = PipelineDefinition.Load(PipelineFiles.Write(Sweep(TwoVariants)));
        VariantRunner.Run(
            definition,
            VariantRunner.Plan(definition, root, registry),
            new PipelineRunOptions { Output = root },
            new TextPipelineReporter()
        );
        // The second variant's settings as --set on the pipeline without variants, in a folder of its own.
        var single = PipelineDefinition.Load(PipelineFiles.Write(Sweep(TwoVariants))) with { Variants = [] };
        var separate = Path.Combine(SharedPaths.TempDir("sweep-vs-run"), "separate");
        PipelineRunner.Run(
            PipelineValidator.Validate(
                PipelineOverrides.Apply(
                    single,
                    ["steps.attribute-knowledge-neurons.max_prompts=2", "steps.select-facts.max_facts=4"],
                    registry
                ),
                registry
            ),
            new PipelineRunOptions { Output = separate },
            new TextPipelineReporter()
        );
        foreach (
            var table in new[]
            {
                "dkn/dkn_facts.csv",
                "dkn/dkn_summary.csv",
                "dkn/degeneracy_by_size.csv",
                "attribution/attribution_facts.csv",
                "results.csv",
            }
        )
            Assert.Equal(
                File.ReadAllText(Path.Combine(separate, table)),
                File.ReadAllText(Path.Combine(root, "two-prompts", table))
            );
    }

    static string Started(string root, string variant) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(root, variant, RunManifest.FileName)))![
            "started_utc"
        ]!.GetValue<string>();

    [Fact]
    public void BadVariantsAreRejectedBeforeAnyWorkNamingTheVariant()
    {
        var bad = Assert.Throws<PipelineValidationException>(() =>
            PipelineDefinition.Parse(
                Sweep(
                    """
                    [ { "name": "a" }, { "name": "a" }, { "name": "../up" }, { "name": "b", "set": [3], "colour": 1 } ]
                    """
                ),
                "p.json"
            )
        );
        Assert.Contains("$.variants[1].name: \"a\" is used by an earlier variant", bad.Message);
        Assert.Contains("$.variants[2].name: \"../up\" is not a folder name", bad.Message);
        Assert.Contains("$.variants[3].set[0]: expected \"key=value\" as a string", bad.Message);
        Assert.Contains("$.variants[3].colour: unknown key", bad.Message);

        var root = Path.Combine(SharedPaths.TempDir("sweep-bad"), "out");
        var definition = PipelineDefinition.Parse(
            Sweep(
                """
                [ { "name": "fine" }, { "name": "typo", "set": ["steps.attribute-knowledge-neurons.stepz=3"] },
                  { "name": "range", "set": ["steps.select-facts.max_facts=-1"] } ]
                """
            ),
            "p.json"
        );
        var e = Assert.Throws<PipelineValidationException>(() =>
            VariantRunner.Plan(definition, root, PipelineSteps.CreateRegistry())
        );
        Assert.Contains(
            "$.variants[1] ('typo'): --set steps.attribute-knowledge-neurons.stepz=3: unknown option 'stepz'",
            e.Message
        );
        Assert.Contains("$.variants[2] ('range')", e.Message);
        Assert.DoesNotContain("'fine'", e.Message);
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void ManifestNumbersAreFlattenedWithTheirElementsNamedByTheirTextFields()
    {
        var manifest = JsonNode
            .Parse(
                """
                { "status": "completed", "seconds": 12.5,
                  "model": { "parameters": 1000, "final_heldout_accuracy": 0.75, "reused_from_cache": true,
                    "family": "Gpt2" },
                  "steps": [
                    { "index": 0, "step": "train-fact-model", "options": { "folder": "model" },
                      "status": "completed", "seconds": 3 },
                    { "index": 1, "step": "find-degenerate-neurons", "options": { "folder": "dkn" },
                      "status": "completed", "seconds": 4,
                      "results": { "methods": [ { "method": "Ntc", "facts": 10, "facts_with_dkn": 3,
                        "joint_drop": { "count": 2, "mean": "NaN" } } ] } },
                    { "index": 2, "step": "find-degenerate-neurons", "options": { "folder": "dkn" },
                      "status": "completed", "seconds": 5 } ] }
                """
            )!
            .AsObject();
        var values = VariantComparison.Values("v", manifest);
        double Value(string section, string key) => values.Single(x => x.Section == section && x.Key == key).Value;
        Assert.Equal(12.5, Value("run", "seconds"));
        Assert.Equal(1000, Value("model", "parameters"));
        Assert.Equal(1, Value("model", "reused_from_cache"));
        Assert.Equal("Gpt2", values.Single(x => x.Key == "family").Text);
        Assert.Equal(3, Value("dkn", "methods.Ntc.facts_with_dkn"));
        Assert.True(double.IsNaN(Value("dkn", "methods.Ntc.joint_drop.mean")));
        Assert.Equal(5, Value("dkn#2", "seconds"));

        var table = VariantComparison.Dkn([new PipelineVariant("v", "", [])], values);
        Assert.Equal(1, table.RowCount);
        // 3 of 10 with the Wilson score interval: 0.1078 to 0.6032 (textbook value).
        Assert.Equal(0.1078, ((double[])table.Column("share_ci_low"))[0], 4);
        Assert.Equal(0.6032, ((double[])table.Column("share_ci_high"))[0], 4);
    }

    [Fact]
    public void WilsonIntervalsMatchTheirTextbookValues()
    {
        var none = Proportion.Of(0, 10);
        Assert.Equal(0, none.CiLow);
        Assert.Equal(0.2775, none.CiHigh, 4);
        var all = Proportion.Of(20, 20);
        Assert.Equal(0.8389, all.CiLow, 4);
        Assert.Equal(1, all.CiHigh);
        Assert.True(double.IsNaN(Proportion.Of(0, 0).Share));
        Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.Of(3, 2));
    }
}
