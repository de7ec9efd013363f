using Microsoft.ML;
using MlNetDkn.Degeneracy;
using MlNetDkn.Experiments.Evolvability;
using MlNetDkn.ML.Experiments;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines.Steps;

/// <summary>`fine-tune-neurons` (E1, E2).</summary>
public sealed class FineTuneNeuronsStep : IStageStep
{
    /// <inheritdoc/>
    public string Name => "fine-tune-neurons";

    /// <inheritdoc/>
    public string Description =>
        "E1: fine-tune on updated facts with only DKN / KN / matched random neurons (or all) trainable, learning "
        + "rate chosen per variant on held-out new and old facts, several seeds; E2: overlap of the neurons a full "
        + "fine-tune changed with each set.";

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
                "default (everything else frozen, one step per batch) or dkn-authors (embeddings, LM head and "
                    + "final norm trainable, input side only, two steps per batch, their change measure)",
                "default",
                "dkn-authors"
            ),
            ["new_facts"] = OptionSpec.Text(
                "new_facts.parquet",
                "The updated facts (an update-facts step writes them), relative to the run's output folder"
            ),
            ["dkn_method"] = OptionSpec.Text("ntc", "Which DKN method's components form the DKN pool"),
            ["dkn_suffix"] = OptionSpec.Text("", "Column suffix of the find-degenerate-neurons step to read"),
            ["variants"] = OptionSpec.Text(
                "dkn,kn,random,random-kn,kn-subset,all",
                "Comma-separated: dkn, kn, random (matched to the DKN pool), random-kn (matched to the KN pool), "
                    + "kn-subset (KN subset of the DKN pool's size), all"
            ),
            ["seeds"] = OptionSpec.Int(3, "Seeds per variant (0, 1, ...)"),
            ["epochs"] = OptionSpec.Int(20, "Epochs per fine-tune"),
            ["learning_rates"] = OptionSpec.Text(
                "0.001,0.003,0.01,0.03",
                "Learning rates tried for the neuron variants"
            ),
            ["all_learning_rates"] = OptionSpec.Text(
                "0.0001,0.0003,0.001,0.003",
                "Learning rates tried for full fine-tuning"
            ),
            ["retention_weight"] = OptionSpec.Number(
                1.0,
                "Learning-rate criterion: validation new-fact accuracy + this × validation old-fact accuracy (ties "
                    + "to the smaller rate)"
            ),
            ["retention_facts"] = OptionSpec.Int(100, "Unrelated old facts scored for retention (Q_old)"),
            ["retention_validation_facts"] = OptionSpec.Int(
                20,
                "Further unrelated old facts, apart from Q_old, that help choose the learning rate"
            ),
            ["changed_cut"] = OptionSpec.Number(
                null,
                "E2: relative change above which a neuron counts as changed (default 0.05; dkn-authors 0.04)"
            ),
            ["seed"] = OptionSpec.Int(null, "Seed of the random pool and retention facts (default: the pipeline seed)"),
            ["folder"] = OptionSpec.Text(
                "e1",
                "Output sub-folder (tables, plots, report, fine-tuned models, resumable store)"
            ),
        };

    static double[] Rates(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t =>
                double.TryParse(
                    t,
                    System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out var v
                )
                    ? v
                    : throw new DknInputException($"learning rate '{t}' is not a number")
            )
            .ToArray();

    static EvolvabilityOptions ToOptions(ResolvedOptions o)
    {
        var options = o.GetString("preset") == "dkn-authors" ? EvolvabilityOptions.Authors : new EvolvabilityOptions();
        options = options with
        {
            Variants = o.GetString("variants")
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(EvolvabilityOptions.ParseVariant)
                .ToArray(),
            Seeds = Enumerable.Range(0, o.GetInt("seeds")).ToArray(),
            Epochs = o.GetInt("epochs"),
            LearningRates = Rates(o.GetString("learning_rates")),
            AllLearningRates = Rates(o.GetString("all_learning_rates")),
            RetentionFacts = o.GetInt("retention_facts"),
            RetentionValidationFacts = o.GetInt("retention_validation_facts"),
        };
        if (o.Values["retention_weight"] is double weight)
            options = options with { RetentionWeight = weight };
        if (o.Values["changed_cut"] is double cut)
            options = options with { ChangedCut = cut };
        return options;
    }

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
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

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => o.GetString("folder");

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        // The stage folder is <output>/<folder>; the new facts are relative to <output>.
        var output = Path.GetDirectoryName(Path.GetFullPath(c.Folder))!;
        var newFacts = o.GetString("new_facts");
        return c
            .Ml.KnowledgeNeurons()
            .FineTuneNeurons(
                new FineTuneNeuronsStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = Folder(o),
                    Evolvability = ToOptions(o),
                    NewFactsPath = Path.IsPathRooted(newFacts) ? newFacts : Path.Combine(output, newFacts),
                    DknMethod = DknOptions.ParseMethod(o.GetString("dkn_method")),
                    DknColumnSuffix = o.GetString("dkn_suffix"),
                    Seed = o.GetInt("seed", c.Seed),
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
    }
}
