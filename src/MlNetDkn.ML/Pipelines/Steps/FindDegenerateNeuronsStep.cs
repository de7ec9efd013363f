using Microsoft.ML;
using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines.Steps;

/// <summary>`find-degenerate-neurons`: DKN acquisition for every attributed fact under each clustering method,
/// the degeneracy curve, and an independent re-check of every DKN by full recomputation.</summary>
public sealed class FindDegenerateNeuronsStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "find-degenerate-neurons";

    /// <inheritdoc/>
    public string Description =>
        "Structural graph, clustering (NTC and baselines), functional check, re-check and degeneracy curve per fact.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Model, PipelineArtifacts.KnowledgeNeurons];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [PipelineArtifacts.DegenerateNeurons];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["preset"] = OptionSpec.Text(
                "default",
                "default (knockout candidates, components from function, strict check), graph (attributed "
                    + "knowledge neurons, NTC and clustering baselines, strict check) or dkn-authors (their "
                    + "lenient code)",
                "default",
                "graph",
                "dkn-authors"
            ),
            ["methods"] = OptionSpec.Text(
                null,
                "Comma-separated: functional, ntc, ntc-persistence, hierarchical, dbscan, kmeans, src-pairs, "
                    + "random-partition (default: the preset's)"
            ),
            ["candidates"] = OptionSpec.Text(
                null,
                "What is grouped: knockout (joint-IG knockout rounds) or knowledge-neurons (the attribution "
                    + "step's); default: the preset's",
                "knockout",
                "knowledge-neurons"
            ),
            ["knockout_path"] = OptionSpec.Text(
                null,
                "Joint attribution path of the knockout rounds: gated (live activations × α) or replace (α × clean "
                    + "activations); default gated",
                "gated",
                "replace"
            ),
            ["knockout_steps"] = OptionSpec.Int(null, "Integration points per knockout round (default 20)"),
            ["knockout_ratio"] = OptionSpec.Number(
                null,
                "A round keeps neurons scoring at least this fraction of its best (default 0.1)"
            ),
            ["knockout_rounds"] = OptionSpec.Int(null, "At most this many knockout rounds (default 6)"),
            ["t_low"] = OptionSpec.Number(null, "Largest relative drop one component may cause (default 0.05)"),
            ["t_high"] = OptionSpec.Number(
                null,
                "Smallest relative drop all components must cause in strict mode (default 0.3)"
            ),
            ["measure"] = OptionSpec.Text(
                null,
                "What the check measures drops of (default: the preset's, probability)",
                "probability",
                "log-probability",
                "logit-margin"
            ),
            ["prompts"] = OptionSpec.Int(
                null,
                "Check on the first N prompts of each fact (0 = all; default: the preset's, all for default, 1 for "
                    + "dkn-authors)"
            ),
            ["aggregation"] = OptionSpec.Text(
                null,
                "Over checked prompts: all (every prompt must pass) or mean (default all)",
                "all",
                "mean"
            ),
            ["same_layer"] = OptionSpec.Text(
                null,
                "Same-layer connections: none, or residual-stream (default none)",
                "none",
                "residual-stream"
            ),
            ["max_neurons"] = OptionSpec.Int(
                null,
                "Knowledge neurons per fact entering the graph (highest first; 0 = all; default: 64, the authors' 0)"
            ),
            ["recheck"] = OptionSpec.Bool(true, "Re-check every DKN found by full recomputation"),
            ["column_suffix"] = OptionSpec.Text(
                "",
                "Appended to every column the step adds, so two DKN steps keep both (e.g. _authors)"
            ),
            ["folder"] = OptionSpec.Text("dkn", "Output sub-folder (tables, plots, resumable store)"),
        };

    /// <summary>The DKN stage options the step's options describe: the preset, with each option
    /// that is set on top.</summary>
    public static DknStageOptions ToOptions(ResolvedOptions o)
    {
        var stage = DknStageOptions.FromPreset(o.GetString("preset"));
        var options = stage.Dkn;
        if (o.GetStringOrNull("methods") is string methods)
            options = options with
            {
                Methods = methods
                    .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(DknOptions.ParseMethod)
                    .ToArray(),
            };
        var check = options.Check;
        if (o.Values["t_low"] is double l)
            check = check with { TLow = l };
        if (o.Values["t_high"] is double h)
            check = check with { THigh = h };
        if (o.GetStringOrNull("measure") is string m)
            check = check with
            {
                Measure = m switch
                {
                    "log-probability" => CheckMeasure.LogProbability,
                    "logit-margin" => CheckMeasure.LogitMargin,
                    _ => CheckMeasure.Probability,
                },
            };
        if (o.Values["prompts"] is int p)
            check = check with { Prompts = p };
        if (o.GetStringOrNull("aggregation") is string a)
            check = check with { Aggregation = a == "mean" ? PromptAggregation.Mean : PromptAggregation.All };
        options = options with { Check = check };
        if (o.GetStringOrNull("same_layer") is string same)
            options = options with
            {
                SameLayer = same == "residual-stream" ? SameLayerRule.ResidualStream : SameLayerRule.None,
            };
        var knockout = stage.Knockout;
        if (o.GetStringOrNull("knockout_path") is string path)
            knockout = knockout with { Path = path == "replace" ? JointPath.Replace : JointPath.Gated };
        if (o.Values["knockout_steps"] is int steps)
            knockout = knockout with { Steps = steps };
        if (o.Values["knockout_ratio"] is double ratio)
            knockout = knockout with { Ratio = ratio };
        if (o.Values["knockout_rounds"] is int rounds)
            knockout = knockout with { MaxRounds = rounds };
        var candidates = o.GetStringOrNull("candidates") switch
        {
            "knockout" => CandidateSource.Knockout,
            "knowledge-neurons" => CandidateSource.KnowledgeNeurons,
            _ => stage.Candidates,
        };
        return stage with
        {
            Dkn = options,
            MaxNeurons = o.Values["max_neurons"] is int n ? n : stage.MaxNeurons,
            Recheck = o.GetBool("recheck"),
            Candidates = candidates,
            Knockout = knockout,
        };
    }

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(o).Validate();
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => o.GetString("folder");

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c
            .Ml.KnowledgeNeurons()
            .FindDegenerateNeurons(
                new DegenerateNeuronStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = Folder(o),
                    Dkn = ToOptions(o),
                    ColumnSuffix = o.GetString("column_suffix"),
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
}
