using MlNetDkn.Facts;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Pipelines;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Hostile;

/// <summary>
/// Shards too small for some measure (fact checking with no validation or test facts, or one class only) still
/// finish: the measure is written as NaN with a one-line reason, and the merge runs.
/// </summary>
public class StarvedShardTests(HostileWorld world) : IClassFixture<HostileWorld>
{
    [Fact]
    public void AShardWhoseFactsLeaveAMetricUndefinedFinishesWithNaNAndAReason()
    {
        var root = SharedPaths.TempDir("starved-shards");
        var facts = Path.Combine(root, "facts.parquet");
        new FactDataset(world.Dataset.Records.Take(12)).Write(facts);
        var pipeline = PipelineFiles.Write(
            $$$"""
            { "name": "starved", "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{world.Model}}}" } },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 2 } },
                { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors", "methods": "kmeans" } },
                { "step": "fact-check", "options": { "dkn_method": "kmeans", "steps": 2, "detectors": "probability",
                    "train": 0.5, "validation": 0.01 } } ] }
            """
        );
        var output = Path.Combine(root, "out");
        var undefined = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var run = PipelineRunner.RunFile(
                pipeline,
                new PipelineRunOptions { Output = output, Shard = new Shard(i, 3) },
                new TextPipelineReporter()
            );
            Assert.Equal("completed", run.Manifest.ToJson()["status"]!.GetValue<string>());
            foreach (var row in CsvRows.Read(Path.Combine(run.OutputFolder, "r3", "fact_check_metrics.csv")))
                if (row["undefined"].Length > 0)
                {
                    Assert.Equal("NaN", row["auc"]);
                    Assert.DoesNotContain('\n', row["undefined"]);
                    undefined.Add(row["undefined"]);
                }
        }
        Assert.NotEmpty(undefined); // the composition did starve a shard
        var merged = PipelineRunner.RunFile(
            pipeline,
            new PipelineRunOptions { Output = output, MergeShards = true },
            new TextPipelineReporter()
        );
        Assert.Equal("completed", merged.Manifest.ToJson()["status"]!.GetValue<string>());
    }

    [Fact]
    public void AShardWithNoFactsIsRefusedBeforeAnyWrite()
    {
        var root = SharedPaths.TempDir("empty-shard");
        var facts = Path.Combine(root, "facts.parquet");
        new FactDataset(world.Dataset.Records.Take(1)).Write(facts);
        var output = Path.Combine(root, "out");
        var shard = Enumerable
            .Range(0, 2)
            .Select(i => new Shard(i, 2))
            .First(s => !s.Contains(world.Dataset.Records[0].FactId));
        var pipeline = PipelineFiles.Write(
            $$$"""
            { "name": "empty-shard", "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{world.Model}}}" } },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 2 } } ] }
            """
        );
        var (code, _, err) = CliRunner.Run("run", pipeline, "--out", output, "--shard", $"{shard.Index}/2");
        Assert.True(code == 2, err);
        Assert.True(err.Contains("has no facts"), err);
        Assert.False(Directory.Exists(output));
    }
}
