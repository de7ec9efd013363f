using System.Diagnostics;
using MlNetDkn.Columns;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Pipelines;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;

namespace MlNetDkn.Tests.Metrics;

/// <summary>
/// The column dictionary: docs/columns.md is the generated text, every column of every table that small real runs
/// write (attribution, DKN, R1–R3, E1/E2, planted scoring, a two-variant sweep) is documented, and the tables listed
/// by hand agree with the record types that write them. Regenerate the document with
/// <c>dkn columns --out docs/columns.md</c>.
/// </summary>
public class ColumnDictionaryTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    [Fact]
    public void TheCommittedDocumentIsTheGeneratedOne()
    {
        var path = Path.Combine(SharedPaths.RepoRoot, ColumnDictionary.DocsPath);
        var generated = ColumnDictionary.Markdown();
        Assert.True(File.Exists(path), $"{ColumnDictionary.DocsPath} is missing");
        Assert.True(
            generated == File.ReadAllText(path),
            $"{ColumnDictionary.DocsPath} is stale: regenerate it with dkn columns --out {ColumnDictionary.DocsPath}"
        );
    }

    [Fact]
    public void EveryColumnHasAMeaningAndEveryTableOneName()
    {
        Assert.Empty(ColumnDictionary.Undocumented());
        var names = ColumnDictionary.Tables.Select(t => t.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var t in ColumnDictionary.Tables)
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Purpose), t.Name);
            var columns = t.Columns.Select(c => c.Name).ToList();
            Assert.True(columns.Count == columns.Distinct().Count(), $"{t.Name}: a column is listed twice");
        }
    }

    [Fact]
    public void SentinelsAndSignConventionsAreStated()
    {
        Assert.Contains(
            "−1 = not re-checked",
            ColumnDictionary.Resolve("dkn_facts", "recheck_holds")!.Meaning.Sentinels
        );
        Assert.Contains("(P0 − P)/P0", ColumnDictionary.Resolve("dkn_summary", "joint_drop")!.Meaning.Unit);
        Assert.Contains("(P − P0)/P0", ColumnDictionary.Resolve("dkn_summary", "full_set_change")!.Meaning.Unit);
        Assert.Equal(
            "as `full_set_change`",
            ColumnDictionary.Resolve("dkn_summary", "full_set_change_ci_low")!.Meaning.Unit
        );
        Assert.Contains(
            "NaN",
            ColumnDictionary.Resolve("results", "dkn_recheck_holds_kmeans_graph")!.Meaning.Sentinels
        );
        Assert.Equal(ColumnKind.Boolean, ColumnDictionary.Resolve("results", "is_dkn_src_pairs_known_authors")!.Kind);
        Assert.Null(ColumnDictionary.Resolve("dkn_facts", "no_such_column"));
        Assert.Null(ColumnDictionary.Resolve("no_such_table", "fact_id"));
    }

    [Fact]
    public void TheMethodSuffixesAreTheStagesOwn()
    {
        foreach (var method in Enum.GetValues<ClusteringMethod>())
            Assert.Equal(KnowledgeNeuronColumns.MethodSuffix(method), ColumnDictionary.MethodSuffixes[method]);
    }

    [Fact]
    public void EveryColumnOfARealRunIsDocumented()
    {
        var clock = Stopwatch.StartNew();
        var tables = AssertDocumented(Run());
        Assert.True(tables.Count >= 25, $"{tables.Count} tables");
        foreach (
            var table in new[]
            {
                "results",
                "dkn_facts",
                "r1_summary",
                "r2_queries",
                "fact_check_metrics",
                "acquisition_table",
                "prompt_attributions",
                "accuracy_facts",
                "drawn_perturbations",
            }
        )
            Assert.Contains(table, tables);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"{clock.Elapsed}");
    }

    [Fact]
    public void EveryColumnOfASweepIsDocumented()
    {
        var folder = SharedPaths.TempDir("columns-sweep");
        var facts = Path.Combine(folder, "facts.parquet");
        new FactDataset(tiny.Dataset.Records.Take(4)).Write(facts);
        var json = $$$"""
            { "name": "columns-sweep", "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 4 } },
                { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors", "methods": "kmeans" } } ],
              "variants": [ { "name": "a" }, { "name": "b", "set": ["steps.attribute-knowledge-neurons.steps=3"] } ] }
            """;
        var root = Path.Combine(folder, "out");
        var definition = PipelineDefinition.Load(PipelineFiles.Write(json));
        var plan = VariantRunner.Plan(definition, root, PipelineSteps.CreateRegistry());
        VariantRunner.Run(definition, plan, new PipelineRunOptions { Output = root }, new TextPipelineReporter());
        var tables = AssertDocumented(root);
        foreach (var table in new[] { "variants", "variants_long", "variants_dkn" })
            Assert.Contains(table, tables);
    }

    [Fact]
    public void EveryColumnOfAFineTuneRunIsDocumented()
    {
        var folder = SharedPaths.TempDir("columns-e1");
        var facts = Path.Combine(folder, "facts.parquet");
        new FactDataset(tiny.Dataset.Records.Take(20)).Write(facts);
        var json = $$$"""
            { "name": "columns-e1", "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "update-facts", "options": { "facts": 4 } },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 4 } },
                { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors", "methods": "kmeans" } },
                { "step": "fine-tune-neurons", "options": { "dkn_method": "kmeans", "variants": "dkn,kn", "seeds": 1,
                    "epochs": 2, "learning_rates": "0.01", "retention_facts": 4, "retention_validation_facts": 2 } } ] }
            """;
        var run = PipelineRunner.RunFile(
            PipelineFiles.Write(json),
            new PipelineRunOptions { Output = Path.Combine(folder, "out") },
            new TextPipelineReporter()
        );
        var tables = AssertDocumented(run.OutputFolder);
        foreach (var table in new[] { "e1_runs", "e1_summary", "e1_contrasts", "e1_facts", "e1_pools", "e2_overlap" })
            Assert.Contains(table, tables);
    }

    [Fact]
    public void EveryColumnOfAPlantedRunIsDocumented()
    {
        var json = """
            { "name": "columns-planted", "seed": 3, "steps": [
                { "step": "planted-model", "options": { "layers": 3, "hidden_size": 128, "intermediate_size": 128,
                    "degenerate_facts": 2, "additive_facts": 1, "single_facts": 1 } },
                { "step": "planted-neurons" },
                { "step": "find-degenerate-neurons", "options": { "preset": "graph", "methods": "kmeans",
                    "column_suffix": "_known", "folder": "dkn-known" } },
                { "step": "score-planted" } ] }
            """;
        var folder = SharedPaths.TempDir("columns-planted");
        var run = PipelineRunner.RunFile(
            PipelineFiles.Write(json),
            new PipelineRunOptions { Output = Path.Combine(folder, "out") },
            new TextPipelineReporter()
        );
        var tables = AssertDocumented(run.OutputFolder);
        foreach (var table in new[] { "planted_scores", "planted_facts", "results" })
            Assert.Contains(table, tables);
    }

    /// <summary>Asserts every header column of every table under <paramref name="output"/> (stores and model folders
    /// left out) is documented; returns the tables' names.</summary>
    static IReadOnlyList<string> AssertDocumented(string output)
    {
        var tables = Directory
            .GetFiles(output, "*.csv", SearchOption.AllDirectories)
            .Where(f => !IsStoreOrModel(output, f))
            .ToList();
        var missing = new List<string>();
        foreach (var csv in tables)
        {
            var name = Path.GetFileNameWithoutExtension(csv);
            var header = MlNetDkn.Metrics.Reports.Csv.Read(csv)[0];
            missing.AddRange(header.Where(c => ColumnDictionary.Resolve(name, c) is null).Select(c => $"{name}.{c}"));
        }
        Assert.True(missing.Count == 0, "undocumented: " + string.Join(", ", missing.Distinct()));
        return tables.Select(Path.GetFileNameWithoutExtension).Distinct().ToList()!;
    }

    static bool IsStoreOrModel(string root, string file)
    {
        for (var dir = Path.GetDirectoryName(file)!; dir.Length > root.Length; dir = Path.GetDirectoryName(dir)!)
            if (Path.GetFileName(dir) == "store" || File.Exists(Path.Combine(dir, "config.json")))
                return true;
        return false;
    }

    string Run()
    {
        var folder = SharedPaths.TempDir("columns-run");
        var facts = Path.Combine(folder, "facts.parquet");
        new FactDataset(tiny.Dataset.Records.Take(12)).Write(facts);
        var json = $$$"""
            { "name": "columns-check", "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "perturb-queries", "options": { "kinds": "replace,delete", "per_fact": 1 } },
                { "step": "evaluate-accuracy" },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 4 } },
                { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors", "methods": "kmeans,ntc" } },
                { "step": "find-degenerate-neurons", "options": { "preset": "graph", "methods": "ntc-persistence",
                    "column_suffix": "_graph", "folder": "dkn-graph" } },
                { "step": "suppress-under-perturbation", "options": { "dkn_method": "kmeans", "random_draws": 2 } },
                { "step": "enhance-on-failures", "options": { "dkn_method": "kmeans", "random_draws": 2 } },
                { "step": "fact-check", "options": { "dkn_method": "kmeans", "steps": 3 } } ] }
            """;
        var run = PipelineRunner.RunFile(
            PipelineFiles.Write(json),
            new PipelineRunOptions { Output = Path.Combine(folder, "out") },
            new TextPipelineReporter()
        );
        return run.OutputFolder;
    }
}
