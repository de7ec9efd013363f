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
    public static Dictionary<string, OptionSpec> Specs(string folder) =>
        new()
        {
            ["preset"] = OptionSpec.Text(
                "default",
                "default (neuron output, teacher-forced P, all controls) or dkn-authors (pre-activation, "
                    + "argmax-fed P, their target tokens)",
                "default",
                "dkn-authors"
            ),
            ["dkn_method"] = OptionSpec.Text(
                "ntc",
                "Which DKN method's components are the DKN: ntc, ntc-persistence, hierarchical, dbscan, kmeans, "
                    + "src-pairs"
            ),
            ["dkn_suffix"] = OptionSpec.Text("", "Column suffix of the find-degenerate-neurons step to read"),
            ["conditions"] = OptionSpec.Text(
                null,
                "Comma-separated: none, dkn, kn, kn-minus-dkn, random-dkn, random-kn, random-kn-minus-dkn, "
                    + "kn-subset (default: all)"
            ),
            ["random_draws"] = OptionSpec.Int(10, "Random control sets per fact (matched in size and layers)"),
            ["routes"] = OptionSpec.Text("activations,weights", "Comma-separated: activations, weights"),
            ["weight_mode"] = OptionSpec.Text(
                "input-and-output",
                "Weight edits scale input and output vectors (the authors') or only the output vector",
                "input-and-output",
                "output"
            ),
            ["max_per_kind"] = OptionSpec.Int(0, "Perturbed prompts per fact and kind used (0 = all)"),
            ["seed"] = OptionSpec.Int(null, "Seed of the random controls (default: the pipeline seed)"),
            ["folder"] = OptionSpec.Text(folder, "Output sub-folder (tables, plots, report, resumable store)"),
        };

    public static PerturbedQueryOptions ToOptions(ResolvedOptions o)
    {
        var options =
            o.GetString("preset") == "dkn-authors" ? PerturbedQueryOptions.Authors : new PerturbedQueryOptions();
        if (o.GetStringOrNull("conditions") is string c)
            options = options with { Conditions = Split(c).Select(ConditionSet.Parse).ToArray() };
        options = options with
        {
            RandomDraws = o.GetInt("random_draws"),
            MaxPerKind = o.GetInt("max_per_kind"),
            Routes = Split(o.GetString("routes"))
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
                WeightMode =
                    o.GetString("weight_mode") == "output" ? WeightEditMode.Output : WeightEditMode.InputAndOutput,
            },
        };
        return options;
    }

    static string[] Split(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(o).Validate();
            DknOptions.ParseMethod(o.GetString("dkn_method"));
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
        ResolvedOptions o,
        PerturbedQueryExperiment experiment
    ) =>
        new()
        {
            ModelPath = c.ModelPath,
            Load = c.Load,
            Folder = c.Folder,
            TablesFolder = o.GetString("folder"),
            Experiment = experiment,
            Options = ToOptions(o),
            DknMethod = DknOptions.ParseMethod(o.GetString("dkn_method")),
            DknColumnSuffix = o.GetString("dkn_suffix"),
            Seed = o.GetInt("seed", c.Seed),
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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = PerturbedQueryStepOptions.Specs("r1");

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o) => PerturbedQueryStepOptions.Check(o);

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => o.GetString("folder");

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c
            .Ml.KnowledgeNeurons()
            .SuppressUnderPerturbation(PerturbedQueryStepOptions.Stage(c, o, PerturbedQueryExperiment.Suppression));
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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>(PerturbedQueryStepOptions.Specs("r2"))
        {
            ["collateral"] = OptionSpec.Int(8, "Unrelated facts scored for collateral change (chosen at Fit, seeded)"),
        };

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o) => PerturbedQueryStepOptions.Check(o);

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => o.GetString("folder");

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o) =>
        c
            .Ml.KnowledgeNeurons()
            .EnhanceOnFailedQueries(
                PerturbedQueryStepOptions.Stage(c, o, PerturbedQueryExperiment.Enhancement) with
                {
                    CollateralCount = o.GetInt("collateral"),
                }
            );
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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } =
        new Dictionary<string, OptionSpec>
        {
            ["preset"] = OptionSpec.Text(
                "default",
                "default (entity-disjoint splits, thresholds fitted on validation) or dkn-authors (1 % per "
                    + "relation tested, their τ, AMIG 5 steps)",
                "default",
                "dkn-authors"
            ),
            ["dkn_method"] = OptionSpec.Text("ntc", "Which DKN method's components teach the DKN sets"),
            ["dkn_suffix"] = OptionSpec.Text("", "Column suffix of the find-degenerate-neurons step to read"),
            ["detectors"] = OptionSpec.Text(
                null,
                "Comma-separated: dkn, kn, random, probability, margin (default: all)"
            ),
            ["share"] = OptionSpec.Number(0.5, "A neuron joins a relation's set when its count > share · max count"),
            ["train"] = OptionSpec.Number(0.6, "Share of subjects in the train split (default preset)"),
            ["validation"] = OptionSpec.Number(0.2, "Share of subjects in the validation split (default preset)"),
            ["steps"] = OptionSpec.Int(null, "Attribution steps per statement (default 10; dkn-authors 5)"),
            ["seed"] = OptionSpec.Int(
                null,
                "Seed of the splits, false answers and random sets (default: the pipeline seed)"
            ),
            ["folder"] = OptionSpec.Text("r3", "Output sub-folder"),
        };

    static FactCheckOptions ToOptions(ResolvedOptions o, int seed)
    {
        var options =
            o.GetString("preset") == "dkn-authors"
                ? FactCheckOptions.Authors
                : new FactCheckOptions
                {
                    TrainFraction = o.GetDouble("train"),
                    ValidationFraction = o.GetDouble("validation"),
                };
        if (o.GetStringOrNull("detectors") is string d)
            options = options with
            {
                Detectors = d.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(FactCheckOptions.ParseDetector)
                    .ToArray(),
            };
        if (o.Values["steps"] is int steps)
            options = options with { Attribution = options.Attribution with { Steps = steps } };
        return options with { Share = o.GetDouble("share"), Seed = o.GetInt("seed", seed) };
    }

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            ToOptions(o, 0).Validate();
            DknOptions.ParseMethod(o.GetString("dkn_method"));
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
            .FactCheck(
                new FactCheckStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = Folder(o),
                    FactCheck = ToOptions(o, c.Seed),
                    DknMethod = DknOptions.ParseMethod(o.GetString("dkn_method")),
                    DknColumnSuffix = o.GetString("dkn_suffix"),
                    Seed = o.GetInt("seed", c.Seed),
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
}
