using System.Globalization;
using System.Text.Json.Nodes;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Reporting;
using MlNetDkn.Modeling;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>
/// `find-degenerate-neurons`: DKN acquisition for every attributed fact under each clustering method (resumable store
/// under dkn/store), the degeneracy curve, and an independent re-check of every DKN by full recomputation. Tables and
/// the plot go to dkn/.
/// </summary>
public sealed class FindDegenerateNeuronsStep : IPipelineStep
{
    public string Name => "find-degenerate-neurons";
    public string Description => "Structural graph, clustering (NTC and baselines), functional check and degeneracy curve per fact.";
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Model];
    public IReadOnlyCollection<string> Provides => [];

    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = new Dictionary<string, OptionSpec>
    {
        ["preset"] = OptionSpec.Text("default", "default (strict definition) or dkn-authors (their lenient code)", "default", "dkn-authors"),
        ["methods"] = OptionSpec.Text(null, "Comma-separated: ntc, hierarchical, dbscan, kmeans, src-pairs (default: the preset's)"),
        ["t_low"] = OptionSpec.Number(null, "Largest relative drop one component may cause (default 0.05)"),
        ["t_high"] = OptionSpec.Number(null, "Smallest relative drop all components must cause in strict mode (default 0.3)"),
        ["max_neurons"] = OptionSpec.Int(64, "Knowledge neurons per fact entering the graph (highest first)"),
        ["folder"] = OptionSpec.Text("dkn", "Output sub-folder (tables, plot, resumable store)"),
    };

    public void Run(PipelineContext context, ResolvedOptions o)
    {
        if (!context.Items.TryGetValue(AttributeKnowledgeNeuronsStep.KnowledgeNeuronsItem, out var item) || item is not List<FactKnowledgeNeurons> facts)
            throw new DknInputException($"step {Name} needs knowledge neurons: add an attribute-knowledge-neurons step before it");
        var options = DknOptions.FromPreset(o.GetString("preset"));
        if (o.GetStringOrNull("methods") is string methods)
            options = options with { Methods = methods.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(DknOptions.ParseMethod).ToArray() };
        if (o.Values.TryGetValue("t_low", out var low) && low is double l) options = options with { Check = options.Check with { TLow = l } };
        if (o.Values.TryGetValue("t_high", out var high) && high is double h) options = options with { Check = options.Check with { THigh = h } };

        using var loaded = ModelLoader.Load(context.RequireModel(Name));
        var folder = Path.GetDirectoryName(context.OutputPath(Path.Combine(o.GetString("folder"), ".keep")))!;
        using var store = new JsonLinesStore<DknRecord>(Path.Combine(folder, "store", DknDatasetRunner.StoreFileName), r => r.Key);
        var runner = new DknDatasetRunner(loaded, options, store) { MaxNeurons = o.GetInt("max_neurons") };
        var records = context.Reporter.Track($"finding DKNs of {facts.Count} facts", progress =>
        {
            var list = new List<DknRecord>();
            foreach (var record in runner.RunAll(facts, context.CancellationToken))
            {
                list.Add(record);
                progress.Report(new StepProgress(list.Count, facts.Count, $"{list.Count(r => r.Methods.Any(m => m.IsDkn))} facts with a DKN"));
            }
            return list;
        });
        var provenance = Metrics.TableProvenance.Of(loaded.ContentHash, context.Dataset?.ContentHash(), System.Text.Json.JsonSerializer.Serialize(new { options.Preset, Methods = options.Methods.Select(m => m.ToString()), options.Check }));
        foreach (var f in DknTables.Write(records, folder, provenance)) context.RecordOutput(Path.GetFileName(f), f);

        // Independent re-check of both halves of the definition by full recomputation, for every DKN found.
        var byId = facts.ToDictionary(f => f.FactId);
        int checkedCount = 0, holding = 0;
        foreach (var record in records)
            foreach (var method in record.Methods.Where(m => m.IsDkn))
            {
                var first = byId[record.FactId].Prompts[0];
                var verdict = DknVerification.Verify(loaded.Model, first.PromptTokens, first.AnswerTokens, method.Components,
                    options.Check.TLow, options.Check.Strict ? options.Check.THigh : double.NegativeInfinity, options.Site);
                checkedCount++;
                if (verdict.Holds) holding++;
            }

        var perMethod = new JsonObject(records.SelectMany(r => r.Methods).GroupBy(m => m.Method)
            .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count(m => m.IsDkn))));
        if (context.CurrentStep is { } entry)
            entry["results"] = new JsonObject
            {
                ["facts"] = records.Count, ["computed"] = runner.Computed, ["reused"] = runner.Reused,
                ["facts_with_dkn"] = perMethod, ["dkn_rechecked"] = checkedCount, ["dkn_recheck_holds"] = holding,
                ["preset"] = options.Preset,
            };
        foreach (var (method, count) in perMethod)
            context.Reporter.Info(string.Create(CultureInfo.InvariantCulture, $"  {method}: {count} of {records.Count} facts have a DKN"));
        context.Reporter.Info($"  re-checked by full recomputation: {holding} of {checkedCount} DKNs satisfy the definition");
    }
}
