using System.Globalization;
using System.Text.Json.Nodes;
using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Reporting;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>
/// `attribute-knowledge-neurons`: integrated gradients for every prompt of the run's facts (resumable store under
/// attribution/store), knowledge neurons refined across each fact's prompts; tables and a heatmap in attribution/.
/// Puts the per-fact results (List&lt;FactKnowledgeNeurons&gt;) in <see cref="PipelineContext.Items"/> under
/// "knowledge_neurons".
/// </summary>
public sealed class AttributeKnowledgeNeuronsStep : IPipelineStep
{
    public const string KnowledgeNeuronsItem = "knowledge_neurons";

    public string Name => "attribute-knowledge-neurons";
    public string Description => "Integrated gradients over MLP neurons for every fact; knowledge neurons refined across paraphrases.";
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Dataset, PipelineArtifacts.Model];
    public IReadOnlyCollection<string> Provides => [];

    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = new Dictionary<string, OptionSpec>
    {
        ["preset"] = OptionSpec.Text("default", "Attribution preset", "default", "eleuther", "dkn-authors"),
        ["steps"] = OptionSpec.Int(null, "Integration steps (default: the preset's)"),
        ["threshold"] = OptionSpec.Text("ratio:0.2", "Coarse cut per prompt: ratio:X, abs:X, percentile:X or topk:K"),
        ["share_ratio"] = OptionSpec.Number(0.5, "Keep neurons coarse in at least this fraction of a fact's prompts"),
        ["max_prompts"] = OptionSpec.Int(0, "Attribute at most this many prompts per fact (0 = all)"),
        ["max_facts"] = OptionSpec.Int(0, "Attribute only the first N facts of the split (0 = all)"),
        ["split"] = OptionSpec.Text("train", "Which split's facts to attribute ('all' for every split)"),
    };

    public void Run(PipelineContext context, ResolvedOptions o)
    {
        var dataset = context.RequireDataset(Name);
        var folder = context.RequireModel(Name);
        var attribution = AttributionOptions.FromPreset(o.GetString("preset"));
        if (o.Values.TryGetValue("steps", out var steps) && steps is int s) attribution = attribution with { Steps = s };
        var options = new FactAttributionOptions
        {
            Attribution = attribution, Coarse = CoarseThreshold.Parse(o.GetString("threshold")),
            ShareRatio = o.GetDouble("share_ratio"), MaxPromptsPerFact = o.GetInt("max_prompts"),
        };
        var split = o.GetString("split");
        var facts = dataset.Records.Where(r => split == "all" || r.Split == split).ToList();
        if (o.GetInt("max_facts") > 0) facts = facts.Take(o.GetInt("max_facts")).ToList();
        if (facts.Count == 0) throw new DknInputException($"step {Name}: no facts in split '{split}'");

        using var loaded = ModelLoader.Load(folder);
        var tokenizer = TokenizerLoader.FromModelFolder(folder);
        var outputFolder = context.OutputPath("attribution/.keep");
        outputFolder = Path.GetDirectoryName(outputFolder)!;
        using var store = new AttributionStore(Path.Combine(outputFolder, "store"));
        var runner = new FactAttributionRunner(loaded, tokenizer, options, store);
        var results = context.Reporter.Track($"attributing {facts.Count} facts", progress =>
        {
            var list = new List<FactKnowledgeNeurons>();
            foreach (var fact in runner.RunAll(facts, null, context.CancellationToken))
            {
                list.Add(fact);
                progress.Report(new StepProgress(list.Count, facts.Count, $"{runner.PromptsComputed} prompts computed, {runner.PromptsReused} reused"));
            }
            return list;
        });
        var files = AttributionTables.Write(results, outputFolder, loaded.Config.NumLayers, loaded.Config.IntermediateSize,
            Metrics.TableProvenance.Of(loaded.ContentHash, dataset.ContentHash(), attribution.ToCanonicalJson()));
        foreach (var f in files) context.RecordOutput(Path.GetFileName(f), f);
        context.Items[KnowledgeNeuronsItem] = results;
        double meanKn = results.Average(r => r.Neurons.Count);
        double meanCompleteness = results.SelectMany(r => r.Prompts).Average(p => p.RelativeCompletenessError);
        if (context.CurrentStep is { } entry)
            entry["results"] = new JsonObject
            {
                ["facts"] = results.Count, ["prompts_computed"] = runner.PromptsComputed, ["prompts_reused"] = runner.PromptsReused,
                ["mean_knowledge_neurons"] = meanKn, ["mean_relative_completeness_error"] = meanCompleteness,
                ["options"] = JsonNode.Parse(attribution.ToCanonicalJson()),
            };
        context.Reporter.Info(string.Create(CultureInfo.InvariantCulture,
            $"  {results.Count} facts: {meanKn:0.0} knowledge neurons per fact, mean relative completeness error {meanCompleteness:E2}"));
    }
}
