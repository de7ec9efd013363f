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
        StepSettings.Specs<FindDegenerateNeuronsSettings>();

    /// <summary>The DKN stage options the step's options describe: the preset, with each option
    /// that is set on top.</summary>
    public static DknStageOptions ToOptions(FindDegenerateNeuronsSettings s)
    {
        var stage = DknStageOptions.FromPreset(s.Preset);
        var options = stage.Dkn;
        if (s.Methods is string methods)
            options = options with
            {
                Methods = methods
                    .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(DknOptions.ParseMethod)
                    .ToArray(),
            };
        var check = options.Check;
        if (s.TLow is double l)
            check = check with { TLow = l };
        if (s.THigh is double h)
            check = check with { THigh = h };
        if (s.Measure is string m)
            check = check with
            {
                Measure = m switch
                {
                    "log-probability" => CheckMeasure.LogProbability,
                    "logit-margin" => CheckMeasure.LogitMargin,
                    _ => CheckMeasure.Probability,
                },
            };
        if (s.Prompts is int p)
            check = check with { Prompts = p };
        if (s.Aggregation is string a)
            check = check with { Aggregation = a == "mean" ? PromptAggregation.Mean : PromptAggregation.All };
        options = options with { Check = check };
        if (s.SameLayer is string same)
            options = options with
            {
                SameLayer = same == "residual-stream" ? SameLayerRule.ResidualStream : SameLayerRule.None,
            };
        var knockout = stage.Knockout;
        if (s.KnockoutPath is string path)
            knockout = knockout with { Path = path == "replace" ? JointPath.Replace : JointPath.Gated };
        if (s.KnockoutSteps is int steps)
            knockout = knockout with { Steps = steps };
        if (s.KnockoutRatio is double ratio)
            knockout = knockout with { Ratio = ratio };
        if (s.KnockoutRounds is int rounds)
            knockout = knockout with { MaxRounds = rounds };
        var candidates = s.Candidates switch
        {
            "knockout" => CandidateSource.Knockout,
            "knowledge-neurons" => CandidateSource.KnowledgeNeurons,
            _ => stage.Candidates,
        };
        return stage with
        {
            Dkn = options,
            MaxNeurons = s.MaxNeurons ?? stage.MaxNeurons,
            Recheck = s.Recheck,
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
            ToOptions(StepSettings.Bind<FindDegenerateNeuronsSettings>(o)).Validate();
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => StepSettings.Bind<FindDegenerateNeuronsSettings>(o).Folder;

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        var s = StepSettings.Bind<FindDegenerateNeuronsSettings>(o);
        return c
            .Ml.KnowledgeNeurons()
            .FindDegenerateNeurons(
                new DegenerateNeuronStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = s.Folder,
                    Dkn = ToOptions(s),
                    ColumnSuffix = s.ColumnSuffix,
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
    }
}

/// <summary>The options of <see cref="FindDegenerateNeuronsStep"/>: the preset, and on top of it each option that
/// is set (null: the preset's).</summary>
public sealed record FindDegenerateNeuronsSettings
{
    /// <summary>default (knockout candidates, components from function, strict check), graph (attributed knowledge
    /// neurons, NTC and clustering baselines, strict check) or dkn-authors (their lenient code).</summary>
    [StepOption(
        "default (knockout candidates, components from function, strict check), graph (attributed "
            + "knowledge neurons, NTC and clustering baselines, strict check) or dkn-authors (their "
            + "lenient code)",
        "default",
        "graph",
        "dkn-authors"
    )]
    public string Preset { get; init; } = "default";

    /// <summary>Comma-separated: functional, ntc, ntc-persistence, hierarchical, dbscan, kmeans, src-pairs, random-
    /// partition (default: the preset's).</summary>
    [StepOption(
        "Comma-separated: functional, ntc, ntc-persistence, hierarchical, dbscan, kmeans, src-pairs, "
            + "random-partition (default: the preset's)"
    )]
    public string? Methods { get; init; }

    /// <summary>What is grouped: knockout (joint-IG knockout rounds) or knowledge-neurons (the attribution step's);
    /// default: the preset's.</summary>
    [StepOption(
        "What is grouped: knockout (joint-IG knockout rounds) or knowledge-neurons (the attribution "
            + "step's); default: the preset's",
        "knockout",
        "knowledge-neurons"
    )]
    public string? Candidates { get; init; }

    /// <summary>Joint attribution path of the knockout rounds: gated (live activations × α) or replace (α × clean
    /// activations); default gated.</summary>
    [StepOption(
        "Joint attribution path of the knockout rounds: gated (live activations × α) or replace (α × clean "
            + "activations); default gated",
        "gated",
        "replace"
    )]
    public string? KnockoutPath { get; init; }

    /// <summary>Integration points per knockout round (default 20).</summary>
    [StepOption("Integration points per knockout round (default 20)")]
    public int? KnockoutSteps { get; init; }

    /// <summary>A round keeps neurons scoring at least this fraction of its best (default 0.1).</summary>
    [StepOption("A round keeps neurons scoring at least this fraction of its best (default 0.1)")]
    public double? KnockoutRatio { get; init; }

    /// <summary>At most this many knockout rounds (default 6).</summary>
    [StepOption("At most this many knockout rounds (default 6)")]
    public int? KnockoutRounds { get; init; }

    /// <summary>Largest relative drop one component may cause (default 0.05).</summary>
    [StepOption("Largest relative drop one component may cause (default 0.05)")]
    public double? TLow { get; init; }

    /// <summary>Smallest relative drop all components must cause in strict mode (default 0.3).</summary>
    [StepOption("Smallest relative drop all components must cause in strict mode (default 0.3)")]
    public double? THigh { get; init; }

    /// <summary>What the check measures drops of (default: the preset's, probability).</summary>
    [StepOption(
        "What the check measures drops of (default: the preset's, probability)",
        "probability",
        "log-probability",
        "logit-margin"
    )]
    public string? Measure { get; init; }

    /// <summary>Check on the first N prompts of each fact (0 = all; default: the preset's, all for default, 1 for dkn-
    /// authors).</summary>
    [StepOption(
        "Check on the first N prompts of each fact (0 = all; default: the preset's, all for default, 1 for "
            + "dkn-authors)"
    )]
    public int? Prompts { get; init; }

    /// <summary>Over checked prompts: all (every prompt must pass) or mean (default all).</summary>
    [StepOption("Over checked prompts: all (every prompt must pass) or mean (default all)", "all", "mean")]
    public string? Aggregation { get; init; }

    /// <summary>Same-layer connections: none, or residual-stream (default none).</summary>
    [StepOption("Same-layer connections: none, or residual-stream (default none)", "none", "residual-stream")]
    public string? SameLayer { get; init; }

    /// <summary>Knowledge neurons per fact entering the graph (highest first; 0 = all; default: 64, the authors'
    /// 0).</summary>
    [StepOption("Knowledge neurons per fact entering the graph (highest first; 0 = all; default: 64, the authors' 0)")]
    public int? MaxNeurons { get; init; }

    /// <summary>Re-check every DKN found by full recomputation.</summary>
    [StepOption("Re-check every DKN found by full recomputation")]
    public bool Recheck { get; init; } = true;

    /// <summary>Appended to every column the step adds, so two DKN steps keep both (e.g. _authors).</summary>
    [StepOption("Appended to every column the step adds, so two DKN steps keep both (e.g. _authors)")]
    public string ColumnSuffix { get; init; } = "";

    /// <summary>Output sub-folder (tables, plots, resumable store).</summary>
    [StepOption("Output sub-folder (tables, plots, resumable store)")]
    public string Folder { get; init; } = "dkn";
}
