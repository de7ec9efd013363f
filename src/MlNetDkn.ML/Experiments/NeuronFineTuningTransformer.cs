using Microsoft.ML;
using MlNetDkn.Experiments.Evolvability;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.ML.Experiments;

/// <summary>
/// The fitted E1/E2 stage. Columns: <c>e1_probability_&lt;variant&gt;</c>, the row's answer probability under each
/// saved fine-tuned model. Tables: every fine-tune (<c>e1_runs</c>), the summary over seeds (<c>e1_summary</c>),
/// the pools (<c>e1_pools</c>) and the E2 overlap (<c>e2_overlap</c>), a plot and a report section.
/// </summary>
public sealed class NeuronFineTuningTransformer : FactStageTransformer<FineTunedFact>, IFactStage
{
    internal const string Name = "FineTuneNeurons",
        ArchiveKind = "fine-tune-neurons";

    readonly Dictionary<string, Lease<ModelSession>> _models;

    internal NeuronFineTuningTransformer(
        FineTuneNeuronsStageOptions options,
        Lease<ModelSession> model,
        string modelHash,
        StageRuntime runtime
    )
        : this(options, model, modelHash, runtime, Saved(options)) { }

    NeuronFineTuningTransformer(
        FineTuneNeuronsStageOptions options,
        Lease<ModelSession> model,
        string modelHash,
        StageRuntime runtime,
        Dictionary<string, Lease<ModelSession>> models
    )
        : base(Name, $"model {options.ModelPath}", [model, .. models.Values], runtime)
    {
        Options = options;
        ModelHash = modelHash;
        Tokenizer = model.Value.Tokenizer;
        _models = models;
    }

    static Dictionary<string, Lease<ModelSession>> Saved(FineTuneNeuronsStageOptions options) =>
        (options.Result?.Runs ?? [])
            .Where(r => r.ModelFolder is not null)
            .ToDictionary(r => r.Variant, r => SharedModels.Acquire(r.ModelFolder!, options.Load));

    /// <summary>The options, with the fine-tune results Fit produced in
    /// <see cref="FineTuneNeuronsStageOptions.Result"/>.</summary>
    public FineTuneNeuronsStageOptions Options { get; }

    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }
    ITextTokenizer Tokenizer { get; }
    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    /// <summary>Every fine-tune and the E2 overlap from Fit; throws <see cref="InvalidOperationException"/> on an
    /// unfitted stage.</summary>
    public EvolvabilityResult Outcome =>
        Options.Result ?? throw new InvalidOperationException($"{Name}: the stage was not fitted");

    internal static IReadOnlyList<OutputColumn<FineTunedFact>> Columns(FineTuneNeuronsStageOptions options) =>
        options
            .Evolvability.Variants.Select(EvolvabilityOptions.Name)
            .Select(v =>
                OutputColumns.Single<FineTunedFact>($"e1_probability_{v}", f =>
                    f.Probability.GetValueOrDefault(v, double.NaN)
                )
            )
            .ToList();

    private protected override IReadOnlyList<RequiredColumn> Inputs =>
        FactRowReader.Required(Name, Facts.FactColumns.Prompts);
    private protected override IReadOnlyList<OutputColumn<FineTunedFact>> Outputs => Columns(Options);

    private protected override Func<FineTunedFact> Bind(DataViewRow row)
    {
        var read = FactRowReader.Bind(row, Facts.FactColumns.Prompts);
        return () =>
        {
            var fact = read();
            return Result(FactRowReader.Key(fact), fact.FactId, () =>
            {
                var probabilities = new Dictionary<string, double>(StringComparer.Ordinal);
                var prompt = PromptEncoding.Prompt(Tokenizer, fact.Prompts[0]);
                var answer = PromptEncoding.Answer(Tokenizer, fact.Answer, Options.Evolvability.Answer);
                foreach (var (variant, model) in _models)
                    probabilities[variant] = PromptBatchProbe
                        .Score(model.Value.Model, [(prompt, answer)])[0]
                        .Probability;
                return (new FineTunedFact(fact.FactId, probabilities), false);
            });
        };
    }

    /// <summary>Per variant, the chosen learning rate's runs over seeds, with 95 % intervals over seeds.</summary>
    public IReadOnlyList<FineTuneSummaryRow> Summary() => FineTuneStatistics.Summary(Outcome);

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var result = Outcome;
        Results(input); // the per-fact columns, computed once
        var metadata = StageTables.Provenance(this, context, Options with { Result = null });
        var (files, numbers, lines) = EvolvabilityTables.Write(
            result,
            Options.Evolvability,
            Options.Seed,
            folder,
            metadata
        );
        return new StageOutputs(
            files,
            StageTables.Summary(numbers, ("facts_computed", FactsComputed), ("facts_reused", FactsReused)),
            lines
        );
    }
}
