using Microsoft.ML;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines.Steps;

/// <summary>`find-degenerate-neurons`: DKN acquisition for every attributed fact under each clustering method,
/// the degeneracy curve, and an independent re-check of every DKN by full recomputation.</summary>
public sealed class FindDegenerateNeuronsStep : IStageStep
{
    public string Name => "find-degenerate-neurons";
    public string Description => "Structural graph, clustering (NTC and baselines), functional check, re-check and degeneracy curve per fact.";
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Model, PipelineArtifacts.KnowledgeNeurons];
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.DegenerateNeurons];

    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = new Dictionary<string, OptionSpec>
    {
        ["preset"] = OptionSpec.Text("default", "default (strict definition) or dkn-authors (their lenient code)", "default", "dkn-authors"),
        ["methods"] = OptionSpec.Text(null, "Comma-separated: ntc, hierarchical, dbscan, kmeans, src-pairs (default: the preset's)"),
        ["t_low"] = OptionSpec.Number(null, "Largest relative drop one component may cause (default 0.05)"),
        ["t_high"] = OptionSpec.Number(null, "Smallest relative drop all components must cause in strict mode (default 0.3)"),
        ["max_neurons"] = OptionSpec.Int(64, "Knowledge neurons per fact entering the graph (highest first; 0 = all)"),
        ["recheck"] = OptionSpec.Bool(true, "Re-check every DKN found by full recomputation"),
        ["folder"] = OptionSpec.Text("dkn", "Output sub-folder (tables, plots, resumable store)"),
    };

    public static DknStageOptions ToOptions(ResolvedOptions o)
    {
        var options = DknOptions.FromPreset(o.GetString("preset"));
        if (o.GetStringOrNull("methods") is string methods)
            options = options with { Methods = methods.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(DknOptions.ParseMethod).ToArray() };
        if (o.Values["t_low"] is double l) options = options with { Check = options.Check with { TLow = l } };
        if (o.Values["t_high"] is double h) options = options with { Check = options.Check with { THigh = h } };
        return new DknStageOptions { Dkn = options, MaxNeurons = o.GetInt("max_neurons"), Recheck = o.GetBool("recheck") };
    }

    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try { ToOptions(o).Validate(); }
        catch (DknInputException e) { error = e.Message; }
        if (error != null) yield return error;
    }

    public string Folder(ResolvedOptions o) => o.GetString("folder");

    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c.Ml.KnowledgeNeurons().FindDegenerateNeurons(new DegenerateNeuronStageOptions
        {
            ModelPath = c.ModelPath, Load = c.Load, Folder = c.Folder, TablesFolder = Folder(o), Dkn = ToOptions(o),
            Progress = c.Progress, CancellationToken = c.CancellationToken,
        });
}
