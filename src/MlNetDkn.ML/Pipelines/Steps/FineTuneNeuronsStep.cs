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
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<FineTuneNeuronsSettings>();

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

    static EvolvabilityOptions ToOptions(FineTuneNeuronsSettings s)
    {
        var options = s.Preset == "dkn-authors" ? EvolvabilityOptions.Authors : new EvolvabilityOptions();
        options = options with
        {
            Variants = s
                .Variants.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(EvolvabilityOptions.ParseVariant)
                .ToArray(),
            Seeds = Enumerable.Range(0, s.Seeds).ToArray(),
            Epochs = s.Epochs,
            LearningRates = Rates(s.LearningRates),
            AllLearningRates = Rates(s.AllLearningRates),
            RetentionFacts = s.RetentionFacts,
            RetentionValidationFacts = s.RetentionValidationFacts,
        };
        options = options with { RetentionWeight = s.RetentionWeight };
        if (s.ChangedCut is double cut)
            options = options with { ChangedCut = cut };
        return options;
    }

    /// <inheritdoc/>
    public IEnumerable<string> Check(ResolvedOptions o)
    {
        string? error = null;
        try
        {
            var s = StepSettings.Bind<FineTuneNeuronsSettings>(o);
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

    /// <inheritdoc/>
    public string Folder(ResolvedOptions o) => StepSettings.Bind<FineTuneNeuronsSettings>(o).Folder;

    /// <inheritdoc/>
    public IEstimator<ITransformer> CreateEstimator(StageStepContext c, ResolvedOptions o)
    {
        // The stage folder is <output>/<folder>; the new facts are relative to <output>.
        var s = StepSettings.Bind<FineTuneNeuronsSettings>(o);
        var output = Path.GetDirectoryName(Path.GetFullPath(c.Folder))!;
        var newFacts = s.NewFacts;
        return c
            .Ml.KnowledgeNeurons()
            .FineTuneNeurons(
                new FineTuneNeuronsStageOptions
                {
                    ModelPath = c.ModelPath,
                    Load = c.Load,
                    Folder = c.Folder,
                    TablesFolder = s.Folder,
                    Evolvability = ToOptions(s),
                    NewFactsPath = Path.IsPathRooted(newFacts) ? newFacts : Path.Combine(output, newFacts),
                    DknMethod = DknOptions.ParseMethod(s.DknMethod),
                    DknColumnSuffix = s.DknSuffix,
                    Seed = s.Seed ?? c.Seed,
                    Progress = c.Progress,
                    CancellationToken = c.CancellationToken,
                }
            );
    }
}

/// <summary>The options of <see cref="FineTuneNeuronsStep"/>.</summary>
public sealed record FineTuneNeuronsSettings
{
    /// <summary>default (everything else frozen, one step per batch) or dkn-authors (embeddings, LM head and final norm
    /// trainable, input side only, two steps per batch, their change measure).</summary>
    [StepOption(
        "default (everything else frozen, one step per batch) or dkn-authors (embeddings, LM head and "
            + "final norm trainable, input side only, two steps per batch, their change measure)",
        "default",
        "dkn-authors"
    )]
    public string Preset { get; init; } = "default";

    /// <summary>The updated facts (an update-facts step writes them), relative to the run's output folder.</summary>
    [StepOption("The updated facts (an update-facts step writes them), relative to the run's output folder")]
    public string NewFacts { get; init; } = "new_facts.parquet";

    /// <summary>Which DKN method's components form the DKN pool.</summary>
    [StepOption("Which DKN method's components form the DKN pool")]
    public string DknMethod { get; init; } = "ntc";

    /// <summary>Column suffix of the find-degenerate-neurons step to read.</summary>
    [StepOption("Column suffix of the find-degenerate-neurons step to read")]
    public string DknSuffix { get; init; } = "";

    /// <summary>Comma-separated: dkn, kn, random (matched to the DKN pool), random-kn (matched to the KN pool), kn-
    /// subset (KN subset of the DKN pool's size), all.</summary>
    [StepOption(
        "Comma-separated: dkn, kn, random (matched to the DKN pool), random-kn (matched to the KN pool), "
            + "kn-subset (KN subset of the DKN pool's size), all"
    )]
    public string Variants { get; init; } = "dkn,kn,random,random-kn,kn-subset,all";

    /// <summary>Seeds per variant (0, 1, ...).</summary>
    [StepOption("Seeds per variant (0, 1, ...)")]
    public int Seeds { get; init; } = 3;

    /// <summary>Epochs per fine-tune.</summary>
    [StepOption("Epochs per fine-tune")]
    public int Epochs { get; init; } = 20;

    /// <summary>Learning rates tried for the neuron variants.</summary>
    [StepOption("Learning rates tried for the neuron variants")]
    public string LearningRates { get; init; } = "0.001,0.003,0.01,0.03";

    /// <summary>Learning rates tried for full fine-tuning.</summary>
    [StepOption("Learning rates tried for full fine-tuning")]
    public string AllLearningRates { get; init; } = "0.0001,0.0003,0.001,0.003";

    /// <summary>Learning-rate criterion: validation new-fact accuracy + this × validation old-fact accuracy (ties to
    /// the smaller rate).</summary>
    [StepOption(
        "Learning-rate criterion: validation new-fact accuracy + this × validation old-fact accuracy (ties "
            + "to the smaller rate)"
    )]
    public double RetentionWeight { get; init; } = 1.0;

    /// <summary>Unrelated old facts scored for retention (Q_old).</summary>
    [StepOption("Unrelated old facts scored for retention (Q_old)")]
    public int RetentionFacts { get; init; } = 100;

    /// <summary>Further unrelated old facts, apart from Q_old, that help choose the learning rate.</summary>
    [StepOption("Further unrelated old facts, apart from Q_old, that help choose the learning rate")]
    public int RetentionValidationFacts { get; init; } = 20;

    /// <summary>E2: relative change above which a neuron counts as changed (default 0.05; dkn-authors 0.04).</summary>
    [StepOption("E2: relative change above which a neuron counts as changed (default 0.05; dkn-authors 0.04)")]
    public double? ChangedCut { get; init; }

    /// <summary>Seed of the random pool and retention facts (default: the pipeline seed).</summary>
    [StepOption("Seed of the random pool and retention facts (default: the pipeline seed)")]
    public int? Seed { get; init; }

    /// <summary>Output sub-folder (tables, plots, report, fine-tuned models, resumable store).</summary>
    [StepOption("Output sub-folder (tables, plots, report, fine-tuned models, resumable store)")]
    public string Folder { get; init; } = "e1";
}
