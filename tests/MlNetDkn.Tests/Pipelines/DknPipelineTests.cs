using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Support;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>
/// The attribution and DKN steps on a tiny trained fact model: outputs are written, and every DKN found satisfies the
/// definition when re-checked here by plain full-sequence forwards with the neurons zeroed (not through the probe).
/// </summary>
public class DknPipelineTests
{
    const string Json = """
        {
          "name": "tiny-dkn",
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
              "methods": "ntc,dbscan,kmeans", "folder": "dkn-authors" } }
          ]
        }
        """;

    [Fact]
    public void StepsWriteTablesAndEveryDknHoldsWhenRecheckedIndependently()
    {
        var output = SharedPaths.TempDir("dkn-pipeline");
        var context = PipelineRunner
            .RunFile(
                PipelineFiles.Write(Json, "tiny-dkn"),
                new PipelineRunOptions { Output = output, CacheFolder = SharedPaths.TempDir("dkn-cache") },
                new TextPipelineReporter()
            )
            .Context;
        foreach (
            var file in new[]
            {
                "attribution/knowledge_neurons.parquet",
                "attribution/attribution_facts.csv",
                "attribution/knowledge_neuron_heatmap.png",
                "dkn/dkn_facts.parquet",
                "dkn/degeneracy_curve.csv",
                "dkn-authors/dkn_summary.csv",
            }
        )
            Assert.True(File.Exists(Path.Combine(output, file)), file);

        var (_, metadata) = MlNetDkn.Metrics.MetricTable.ReadParquet(
            Path.Combine(output, "attribution/knowledge_neurons.parquet")
        );
        Assert.Equal(context.ModelContentHash, metadata["mlnetdkn.model_sha256"]);
        Assert.Equal(context.Dataset!.ContentHash(), metadata["mlnetdkn.dataset_sha256"]);

        using var model = ModelLoader.Load(context.ModelFolder!);
        var tokenizer = TokenizerLoader.FromModelFolder(context.ModelFolder!);
        var facts = context.Dataset!.Records.ToDictionary(f => f.FactId);
        int dkns = 0;
        foreach (var (folder, strict) in new[] { ("dkn", true), ("dkn-authors", false) })
        foreach (var line in File.ReadLines(Path.Combine(output, folder, "store", DknStage.StoreFileName)))
        {
            var record = JsonSerializer.Deserialize<DknRecord>(line)!;
            var prompt = PromptEncoding.Prompt(tokenizer, record.Prompt);
            var answer = PromptEncoding.Answer(tokenizer, facts[record.FactId].Answer);
            var site = strict ? NeuronSite.Post : NeuronSite.Pre;
            foreach (var method in record.Methods.Where(m => m.IsDkn))
            {
                dkns++;
                double p0 = Probability(model.Model, prompt, answer, [], site);
                Assert.Equal(record.BaselineProbability, p0, 1e-5);
                foreach (var component in method.Components)
                    Assert.True(
                        (p0 - Probability(model.Model, prompt, answer, component, site)) / p0 < 0.05,
                        $"{record.FactId} {method.Method}"
                    );
                if (strict)
                    Assert.True(
                        (
                            p0
                            - Probability(
                                model.Model,
                                prompt,
                                answer,
                                method.Components.SelectMany(c => c).ToArray(),
                                site
                            )
                        ) / p0
                            > 0.3
                    );
            }
        }
        Assert.True(dkns > 0, "the tiny model should have at least one DKN under some method");

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, RunManifest.FileName)))!;
        foreach (var step in new[] { 4, 5 })
        foreach (var method in manifest["steps"]![step]!["results"]!["methods"]!.AsArray())
            Assert.Equal(method!["rechecked"]!.GetValue<int>(), method["recheck_holds"]!.GetValue<int>());
    }

    /// <summary>P(answer | prompt) from one plain forward with <paramref name="neurons"/> zeroed at the prompt's last
    /// position.</summary>
    static double Probability(CausalLm model, long[] prompt, long[] answer, Neuron[] neurons, NeuronSite site)
    {
        Assert.Single(answer);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var edits = neurons
            .GroupBy(n => n.Layer)
            .Select(g =>
                (NeuronIntervention)
                    new ScaleNeurons(g.Key, site, g.Select(n => n.Index).ToArray(), 0, TokenPositions.Last)
            )
            .ToArray();
        using (model.Intervene(edits))
            return model
                .Forward(tensor(prompt).unsqueeze(0))[0, -1]
                .to_type(ScalarType.Float64)
                .softmax(-1)[answer[0]]
                .item<double>();
    }
}
