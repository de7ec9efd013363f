using MlNetDkn.Facts;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>Shards split the facts by id, run on their own, and merge into the tables of an unsharded run.</summary>
public class ShardTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    string Pipeline(string facts) =>
        $$$"""
            { "name": "shard-check", "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "perturb-queries", "options": { "kinds": "replace", "per_fact": 1 } },
                { "step": "evaluate-accuracy" },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 4 } },
                { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors", "methods": "ntc,kmeans" } },
                { "step": "suppress-under-perturbation", "options": { "dkn_method": "kmeans", "random_draws": 2 } } ] }
            """;

    static readonly string[] Tables =
    [
        "accuracy/accuracy_facts.csv",
        "accuracy/accuracy.csv",
        "attribution/attribution_facts.csv",
        "attribution/knowledge_neurons.csv",
        "attribution/attribution_summary.csv",
        "dkn/dkn_facts.csv",
        "dkn/dkn_summary.csv",
        "dkn/degeneracy_curve.csv",
        "r1/r1_facts.csv",
        "r1/r1_summary.csv",
        "r1/r1_contrasts.csv",
        "results.csv",
        "acquisition_table.csv",
    ];

    [Fact]
    public void MergedShardsGiveTheTablesOfAnUnshardedRun()
    {
        var root = SharedPaths.TempDir("shards");
        var facts = Path.Combine(root, "facts.parquet");
        new FactDataset(tiny.Dataset.Records.Take(14)).Write(facts);
        var pipeline = PipelineFiles.Write(Pipeline(facts));
        var whole = PipelineRunner.RunFile(
            pipeline,
            new PipelineRunOptions { Output = Path.Combine(root, "whole") },
            new TextPipelineReporter()
        );
        var sharded = Path.Combine(root, "sharded");
        var counts = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            var run = PipelineRunner.RunFile(
                pipeline,
                new PipelineRunOptions { Output = sharded, Shard = new Shard(i, 3) },
                new TextPipelineReporter()
            );
            Assert.Equal(Path.Combine(sharded, $"shard-{i}-of-3"), run.OutputFolder);
            counts.Add(run.Context.Dataset!.Count);
        }
        Assert.Equal(14, counts.Sum());
        Assert.All(counts, c => Assert.True(c > 0));
        var reporter = new TextPipelineReporter();
        var merged = PipelineRunner.RunFile(
            pipeline,
            new PipelineRunOptions { Output = sharded, MergeShards = true },
            reporter
        );
        foreach (var table in Tables)
            Assert.Equal(
                File.ReadAllText(Path.Combine(whole.OutputFolder, table)),
                File.ReadAllText(Path.Combine(merged.OutputFolder, table))
            );
        // Everything per fact came from the shards' stores.
        Assert.Contains(reporter.Messages, m => m.Contains("merged") && m.Contains("from 3 shards"));
        Assert.Contains(reporter.Messages, m =>
            m.Contains("0 computed, 14 from the store") || m.Contains("14 facts (")
        );
    }

    [Fact]
    public void AMissingOrUnfinishedShardStopsTheMerge()
    {
        var root = SharedPaths.TempDir("shards-missing");
        var facts = Path.Combine(root, "facts.parquet");
        new FactDataset(tiny.Dataset.Records.Take(6)).Write(facts);
        var pipeline = PipelineFiles.Write(Pipeline(facts));
        PipelineRunner.RunFile(
            pipeline,
            new PipelineRunOptions { Output = root, Shard = new Shard(0, 2) },
            new TextPipelineReporter()
        );
        var e = Assert.Throws<DknInputException>(() =>
            PipelineRunner.RunFile(
                pipeline,
                new PipelineRunOptions { Output = root, MergeShards = true },
                new TextPipelineReporter()
            )
        );
        Assert.Contains("shard 1 of 2 missing", e.Message);
    }

    [Fact]
    public void TheSchedulersEnvironmentNamesTheShard()
    {
        Assert.Equal(
            new Shard(2, 5),
            Shard.FromEnvironment(n =>
                n switch
                {
                    "SLURM_ARRAY_TASK_ID" => "3",
                    "SLURM_ARRAY_TASK_COUNT" => "5",
                    "SLURM_ARRAY_TASK_MIN" => "1",
                    _ => null,
                }
            )
        );
        Assert.Equal(
            new Shard(1, 4),
            Shard.FromEnvironment(n =>
                n switch
                {
                    "JOB_COMPLETION_INDEX" => "1",
                    "DKN_SHARDS" => "4",
                    _ => null,
                }
            )
        );
        Assert.Null(Shard.FromEnvironment(_ => null));
        Assert.Contains(
            "DKN_SHARDS",
            Assert
                .Throws<DknInputException>(() => Shard.FromEnvironment(n => n == "JOB_COMPLETION_INDEX" ? "0" : null))
                .Message
        );
        Assert.Contains("expected i/n", Assert.Throws<DknInputException>(() => Shard.Parse("3/3")).Message);
        // Every fact in exactly one shard, the same on every call.
        var ids = Enumerable.Range(0, 200).Select(i => $"fact{i}").ToList();
        var shards = Enumerable.Range(0, 4).Select(i => new Shard(i, 4)).ToList();
        Assert.All(ids, id => Assert.Single(shards, s => s.Contains(id)));
        Assert.All(shards, s => Assert.InRange(ids.Count(s.Contains), 30, 70));
    }
}
