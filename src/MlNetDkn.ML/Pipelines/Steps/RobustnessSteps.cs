using Microsoft.ML;
using MlNetDkn.Degeneracy;
using MlNetDkn.Experiments;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.Experiments.Robustness;
using MlNetDkn.ML.Experiments;
using MlNetDkn.Perturbation;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines.Steps;

/// <summary>The options R1 and R2 steps share, and how they become <see cref="PerturbedQueryStageOptions"/>.</summary>
internal static class PerturbedQueryStepOptions
{
    public static PerturbedQueryOptions ToOptions(PerturbedQuerySettings s)
    {
        var options = s.Preset == "dkn-authors" ? PerturbedQueryOptions.Authors : new PerturbedQueryOptions();
        if (s.Conditions is string c)
            options = options with { Conditions = Split(c).Select(ConditionSet.Parse).ToArray() };
        options = options with
        {
            RandomDraws = s.RandomDraws,
            MaxPerKind = s.MaxPerKind,
            Routes = Split(s.Routes)
                .Select(r =>
                    r switch
                    {
                        "activations" => InterventionRoute.Activations,
                        "weights" => InterventionRoute.Weights,
                        _ => throw new DknInputException($"unknown route '{r}' (expected activations or weights)"),
                    }
                )
                .ToArray(),
            Intervention = options.Intervention with
            {
                WeightMode = s.WeightMode == "output" ? WeightEditMode.Output : WeightEditMode.InputAndOutput,
            },
        };
        return options;
    }

    static string[] Split(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static IEnumerable<string> Check(PerturbedQuerySettings s)
    {
        string? error = null;
        try
        {
            ToOptions(s).Validate();
            DknOptions.ParseMethod(s.DknMethod);
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    public static PerturbedQueryStageOptions Stage(
        StageStepContext c,
        PerturbedQuerySettings s,
        PerturbedQueryExperiment experiment
    ) =>
        new()
        {
            ModelPath = c.ModelPath,
            Load = c.Load,
            Folder = c.Folder,
            TablesFolder = s.Folder,
            Experiment = experiment,
            Options = ToOptions(s),
            DknMethod = DknOptions.ParseMethod(s.DknMethod),
            DknColumnSuffix = s.DknSuffix,
            Seed = s.Seed ?? c.Seed,
            Progress = c.Progress,
            CancellationToken = c.CancellationToken,
        };
}

/// <summary>`suppress-under-perturbation` (R1).</summary>
public sealed class SuppressUnderPerturbationStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "suppress-under-perturbation";

    /// <inheritdoc/>
    public string Description =>
        "R1: P on clean and perturbed queries with the DKN, knowledge neurons, their difference and matched random "
        + "sets suppressed, by activations and by weights.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Model, PipelineArtifacts.DegenerateNeurons];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        StepSettings.Specs<SuppressUnderPerturbationSettings>();

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o) =>
        PerturbedQueryStepOptions.Check(StepSettings.Bind<SuppressUnderPerturbationSettings>(o));

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => StepSettings.Bind<SuppressUnderPerturbationSettings>(o).Folder;

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c
            .Ml.KnowledgeNeurons()
            .SuppressUnderPerturbation(
                PerturbedQueryStepOptions.Stage(
                    c,
                    StepSettings.Bind<SuppressUnderPerturbationSettings>(o),
                    PerturbedQueryExperiment.Suppression
                )
            );
}

/// <summary>`enhance-on-failures` (R2).</summary>
public sealed class EnhanceOnFailuresStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "enhance-on-failures";

    /// <inheritdoc/>
    public string Description =>
        "R2: ×2 on the DKN, knowledge neurons or matched random sets for perturbed queries the model fails "
        + "(selected on the unmodified model); accuracy and collateral change.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Model, PipelineArtifacts.DegenerateNeurons];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<EnhanceOnFailuresSettings>();

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o) =>
        PerturbedQueryStepOptions.Check(StepSettings.Bind<EnhanceOnFailuresSettings>(o));

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => StepSettings.Bind<EnhanceOnFailuresSettings>(o).Folder;

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        var s = StepSettings.Bind<EnhanceOnFailuresSettings>(o);
        return c
            .Ml.KnowledgeNeurons()
            .EnhanceOnFailedQueries(
                PerturbedQueryStepOptions.Stage(c, s, PerturbedQueryExperiment.Enhancement) with
                {
                    CollateralCount = s.Collateral,
                }
            );
    }
}

/// <summary>`fact-check` (R3).</summary>
public sealed class FactCheckStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "fact-check";

    /// <inheritdoc/>
    public string Description =>
        "R3: relation-level DKN / KN sets and thresholds learned at Fit (entity-disjoint splits); true and false "
        + "statements scored on the test split with ML.NET's binary metrics.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [PipelineArtifacts.Model, PipelineArtifacts.DegenerateNeurons];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<FactCheckSettings>();

    static FactCheckOptions ToOptions(FactCheckSettings s, int seed)
    {
        var options =
            s.Preset == "dkn-authors"
                ? FactCheckOptions.Authors
                : new FactCheckOptions { TrainFraction = s.Train, ValidationFraction = s.Validation };
        if (s.Detectors is string d)
            options = options with
            {
                Detectors = d.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(FactCheckOptions.ParseDetector)
                    .ToArray(),
            };
        if (s.Steps is int steps)
            options = options with { Attribution = options.Attribution with { Steps = steps } };
        return options with { Share = s.Share, Seed = s.Seed ?? seed };
    }

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            var s = StepSettings.Bind<FactCheckSettings>(o);
            ToOptions(s, 0).Validate();
            DknOptions.ParseMethod(s.DknMethod);
        }
        catch (DknInputException e)
        {
            error = e.Message;
        }
        if (error != null)
            yield return error;
    }

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => StepSettings.Bind<FactCheckSettings>(o).Folder;

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        var s = StepSettings.Bind<FactCheckSettings>(o);
        return c
            .Ml.KnowledgeNeurons()
            .FactCheck(
                new FactCheckStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = s.Folder,
                    FactCheck = ToOptions(s, c.Seed),
                    DknMethod = DknOptions.ParseMethod(s.DknMethod),
                    DknColumnSuffix = s.DknSuffix,
                    Seed = s.Seed ?? c.Seed,
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
    }
}

/// <summary>The options the R1 and R2 steps share; each step's record gives the default output
/// sub-folder.</summary>
public abstract record PerturbedQuerySettings
{
    /// <summary>Settings whose output sub-folder defaults to <paramref name="folder"/>.</summary>
    protected PerturbedQuerySettings(string folder) => Folder = folder;

    /// <summary>default (neuron output, teacher-forced P, all controls) or dkn-authors (pre-activation, argmax-fed P,
    /// their target tokens).</summary>
    [StepOption(
        "default (neuron output, teacher-forced P, all controls) or dkn-authors (pre-activation, "
            + "argmax-fed P, their target tokens)",
        "default",
        "dkn-authors"
    )]
    public string Preset { get; init; } = "default";

    /// <summary>Which DKN method's components are the DKN: ntc, ntc-persistence, hierarchical, dbscan, kmeans, src-
    /// pairs.</summary>
    [StepOption(
        "Which DKN method's components are the DKN: ntc, ntc-persistence, hierarchical, dbscan, kmeans, " + "src-pairs"
    )]
    public string DknMethod { get; init; } = "ntc";

    /// <summary>Column suffix of the find-degenerate-neurons step to read.</summary>
    [StepOption("Column suffix of the find-degenerate-neurons step to read")]
    public string DknSuffix { get; init; } = "";

    /// <summary>Comma-separated: none, dkn, kn, kn-minus-dkn, random-dkn, random-kn, random-kn-minus-dkn, kn-subset
    /// (default: all).</summary>
    [StepOption(
        "Comma-separated: none, dkn, kn, kn-minus-dkn, random-dkn, random-kn, random-kn-minus-dkn, "
            + "kn-subset (default: all)"
    )]
    public string? Conditions { get; init; }

    /// <summary>Random control sets per fact (matched in size and layers).</summary>
    [StepOption("Random control sets per fact (matched in size and layers)")]
    public int RandomDraws { get; init; } = 10;

    /// <summary>Comma-separated: activations, weights.</summary>
    [StepOption("Comma-separated: activations, weights")]
    public string Routes { get; init; } = "activations,weights";

    /// <summary>Weight edits scale input and output vectors (the authors') or only the output vector.</summary>
    [StepOption(
        "Weight edits scale input and output vectors (the authors') or only the output vector",
        "input-and-output",
        "output"
    )]
    public string WeightMode { get; init; } = "input-and-output";

    /// <summary>Perturbed prompts per fact and kind used (0 = all).</summary>
    [StepOption("Perturbed prompts per fact and kind used (0 = all)")]
    public int MaxPerKind { get; init; }

    /// <summary>Seed of the random controls (default: the pipeline seed).</summary>
    [StepOption("Seed of the random controls (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>Output sub-folder (tables, plots, report, resumable store).</summary>
    [StepOption("Output sub-folder (tables, plots, report, resumable store)")]
    public string Folder { get; init; }
}

/// <summary>The options of <see cref="SuppressUnderPerturbationStep"/> (R1).</summary>
public sealed record SuppressUnderPerturbationSettings() : PerturbedQuerySettings("r1");

/// <summary>The options of <see cref="EnhanceOnFailuresStep"/> (R2).</summary>
public sealed record EnhanceOnFailuresSettings() : PerturbedQuerySettings("r2")
{
    /// <summary>Unrelated facts scored for collateral change (chosen at Fit, seeded).</summary>
    [StepOption("Unrelated facts scored for collateral change (chosen at Fit, seeded)")]
    public int Collateral { get; init; } = 8;
}

/// <summary>The options of <see cref="FactCheckStep"/> (R3).</summary>
public sealed record FactCheckSettings
{
    /// <summary>default (entity-disjoint splits, thresholds fitted on validation) or dkn-authors (1 % per relation
    /// tested, their τ, AMIG 5 steps).</summary>
    [StepOption(
        "default (entity-disjoint splits, thresholds fitted on validation) or dkn-authors (1 % per "
            + "relation tested, their τ, AMIG 5 steps)",
        "default",
        "dkn-authors"
    )]
    public string Preset { get; init; } = "default";

    /// <summary>Which DKN method's components teach the DKN sets.</summary>
    [StepOption("Which DKN method's components teach the DKN sets")]
    public string DknMethod { get; init; } = "ntc";

    /// <summary>Column suffix of the find-degenerate-neurons step to read.</summary>
    [StepOption("Column suffix of the find-degenerate-neurons step to read")]
    public string DknSuffix { get; init; } = "";

    /// <summary>Comma-separated: dkn, kn, random, probability, margin (default: all).</summary>
    [StepOption("Comma-separated: dkn, kn, random, probability, margin (default: all)")]
    public string? Detectors { get; init; }

    /// <summary>A neuron joins a relation's set when its count &gt; share · max count.</summary>
    [StepOption("A neuron joins a relation's set when its count > share · max count")]
    public double Share { get; init; } = 0.5;

    /// <summary>Share of subjects in the train split (default preset).</summary>
    [StepOption("Share of subjects in the train split (default preset)")]
    public double Train { get; init; } = 0.6;

    /// <summary>Share of subjects in the validation split (default preset).</summary>
    [StepOption("Share of subjects in the validation split (default preset)")]
    public double Validation { get; init; } = 0.2;

    /// <summary>Attribution steps per statement (default 10; dkn-authors 5).</summary>
    [StepOption("Attribution steps per statement (default 10; dkn-authors 5)")]
    public int? Steps { get; init; }

    /// <summary>Seed of the splits, false answers and random sets (default: the pipeline seed).</summary>
    [StepOption("Seed of the splits, false answers and random sets (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>Output sub-folder.</summary>
    [StepOption("Output sub-folder")]
    public string Folder { get; init; } = "r3";
}
