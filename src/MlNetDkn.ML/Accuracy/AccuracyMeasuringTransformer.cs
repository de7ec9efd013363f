using Microsoft.ML;
using MlNetDkn.Facts;
using MlNetDkn.Metrics.Tables;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;
using MlNetDkn.Perturbation;

namespace MlNetDkn.ML.Accuracy;

/// <summary>Adds per-fact accuracy columns (greedy decoding produces the answer) on prompts and held-out
/// paraphrases.</summary>
public sealed class AccuracyMeasuringTransformer : FactStageTransformer<FactAccuracy>, IFactStage
{
    internal const string Name = "EvaluateAccuracy",
        ArchiveKind = "accuracy";

    readonly Lease<ModelSession> _model;

    internal AccuracyMeasuringTransformer(
        AccuracyStageOptions options,
        Lease<ModelSession> model,
        string modelHash,
        StageRuntime runtime
    )
        : base(Name, $"model {options.ModelPath}", [model], runtime)
    {
        Options = options;
        _model = model;
        ModelHash = modelHash;
    }

    /// <summary>The options the stage was built with.</summary>
    public AccuracyStageOptions Options { get; }

    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }
    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    internal static RequiredColumn[] InputsOf() => FactRowReader.Required(Name, FactColumns.Prompts);

    internal static IReadOnlyList<OutputColumn<FactAccuracy>> Columns { get; } =
    [
        OutputColumns.Single<FactAccuracy>(KnowledgeNeuronColumns.PromptAccuracy, f => f.PromptAccuracy),
        OutputColumns.Single<FactAccuracy>(KnowledgeNeuronColumns.HeldoutAccuracy, f => f.HeldoutAccuracy),
        OutputColumns.Single<FactAccuracy>(KnowledgeNeuronColumns.AnswerLogProbability, f => f.MeanLogProbability),
    ];

    private protected override IReadOnlyList<RequiredColumn> Inputs => InputsOf();
    private protected override IReadOnlyList<OutputColumn<FactAccuracy>> Outputs => Columns;

    private protected override Func<FactAccuracy> Bind(DataViewRow row)
    {
        var fact = FactRowReader.Bind(row, FactColumns.Prompts);
        return () =>
        {
            var f = fact();
            return Result(FactRowReader.Key(f), f.FactId, () =>
                (FactAccuracy.Evaluate(_model.Value, f, Options.BatchSize), false)
            );
        };
    }

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var facts = Results(input);
        var files = AccuracyTables.Write(
            facts,
            folder,
            StageTables.Provenance(this, context, new { Options.BatchSize })
        );
        var rows = AccuracyTables.Summarise(facts);
        var lines = rows.Select(r =>
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"{r.Split}/{r.PromptKind}: {r.Correct:N0}/{r.Prompts:N0} correct ({r.Accuracy:P1})"
                )
            )
            .ToList();
        return new StageOutputs(
            files,
            StageTables.Summary(
                new
                {
                    Groups = rows.Select(r => new
                    {
                        r.Split,
                        r.PromptKind,
                        r.Facts,
                        r.Prompts,
                        r.Correct,
                        r.Accuracy,
                    }),
                }
            ),
            lines
        );
    }
}
