using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetDkn.Metrics.Tables;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>Every table of a run and its manifest tell the same story about which facts have a DKN.</summary>
public class OneTruthTests
{
    const string Json = """
        {
          "name": "one-truth",
          "seed": 7,
          "steps": [
            { "step": "synthetic-world", "options": { "entities": 20, "relations": 2 } },
            { "step": "train-fact-model", "options": { "layers": 2, "hidden_size": 64, "heads": 4,
              "intermediate_size": 128,
                "max_positions": 16, "epochs": 40, "batch_size": 32, "learning_rate": 0.005, "loss": "all" } },
            { "step": "select-facts", "options": { "max_facts": 12 } },
            { "step": "attribute-knowledge-neurons", "options": { "steps": 8 } },
            { "step": "find-degenerate-neurons", "options": { "preset": "default", "folder": "dkn" } },
            { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors",
              "methods": "ntc,dbscan,kmeans", "column_suffix": "_authors", "folder": "dkn-authors" } }
          ]
        }
        """;

    [Fact]
    public void DknCountsAgreeAcrossFactsSummaryAcquisitionResultsAndManifest()
    {
        var output = SharedPaths.TempDir("one-truth");
        PipelineRunner.RunFile(
            PipelineFiles.Write(Json, "one-truth"),
            new PipelineRunOptions { Output = output, CacheFolder = SharedPaths.TempDir("one-truth-cache") },
            new TextPipelineReporter()
        );
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, RunManifest.FileName)))!;
        var results = CsvRows.Read(Path.Combine(output, "results.csv"));
        var acquisition = CsvRows.Read(Path.Combine(output, "acquisition_table.csv"));
        int checkedMethods = 0;
        foreach (var (folder, suffix) in new[] { ("dkn", ""), ("dkn-authors", "_authors") })
        {
            var facts = CsvRows.Read(Path.Combine(output, folder, "dkn_facts.csv"));
            var summary = CsvRows.Read(Path.Combine(output, folder, "dkn_summary.csv"));
            var step = manifest["steps"]!
                .AsArray()
                .Single(s =>
                    s!["step"]!.GetValue<string>() == "find-degenerate-neurons"
                    && s["options"]!["folder"]!.GetValue<string>() == folder
                )!;
            foreach (var method in facts.Select(f => f["method"]).Distinct())
            {
                checkedMethods++;
                var rows = facts.Where(f => f["method"] == method).ToList();
                int withDkn = rows.Count(f => f["is_dkn"] == "1");
                // A DKN has at least two components, written as JSON; a one-component set is never one and says why.
                Assert.All(rows.Where(f => f["is_dkn"] == "1"), f =>
                    Assert.True(DknTables.ParseComponents(f["component_list"]).Length >= 2, f["fact_id"])
                );
                Assert.All(rows.Where(f => f["is_dkn"] == "0"), f =>
                    Assert.False(
                        string.IsNullOrEmpty(f["rejection"]),
                        $"{folder} {method} {f["fact_id"]}: no rejection"
                    )
                );
                var row = summary.Single(s => s["method"] == method);
                Assert.Equal(withDkn.ToString(), row["facts_with_dkn"]);
                Assert.StartsWith(folder + ":", row["definition"]);
                Assert.Equal(
                    withDkn.ToString(),
                    acquisition.Single(a => a["method"] == method && a["definition"].StartsWith(folder + ":"))[
                        "facts_with_dkn"
                    ]
                );
                var recorded = step["results"]!["methods"]!
                    .AsArray()
                    .Single(m => m!["method"]!.GetValue<string>() == method)!;
                Assert.Equal(withDkn, recorded["facts_with_dkn"]!.GetValue<int>());
                var methodSuffix = MlNetDkn.ML.KnowledgeNeuronColumns.MethodSuffix(
                    MlNetDkn.Degeneracy.DknOptions.ParseMethod(method)
                );
                var column = $"is_dkn_{methodSuffix}{suffix}";
                Assert.Equal(withDkn, results.Count(r => r[column] == "true"));
                // results.csv keeps each DKN's components as dkn_facts.csv does: arrays of [layer, index] pairs.
                var components = $"dkn_components_{methodSuffix}{suffix}";
                var byFact = rows.ToDictionary(f => f["fact_id"], f => f["component_list"]);
                Assert.All(results.Where(r => r[column] == "true"), r =>
                    Assert.Equal(
                        DknTables.ParseComponents(byFact[r["fact_id"]]).Select(c => c.OrderBy(n => n).ToArray()),
                        JsonSerializer
                            .Deserialize<int[][][]>(r[components])!
                            .Select(c => c.Select(p => new Neuron(p[0], p[1])).OrderBy(n => n).ToArray())
                    )
                );
            }
        }
        Assert.Equal(4, checkedMethods);
    }
}
