using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.Experiments.Robustness;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Experiments;

/// <summary>
/// R1 (suppression under perturbed queries) or R2 (enhancement on failed perturbed queries) for every fact row
/// carrying knowledge neurons and DKN columns. R2's Fit fixes the unrelated facts its collateral change is measured
/// on (drawn from the fitting data, seeded), before any outcome is seen.
/// </summary>
public sealed class PerturbedQueryProbingEstimator
    : FactStageEstimator<PerturbedQueryStageOptions, PerturbedQueryProbingTransformer>
{
    internal PerturbedQueryProbingEstimator(PerturbedQueryStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    string Name => PerturbedQueryProbingTransformer.NameOf(Options.Experiment);

    private protected override void CheckInputs(DataViewSchema schema) =>
        ExperimentInputs.Check(schema, Name, Options.DknMethod, Options.DknColumnSuffix);

    private protected override void CheckInputs(SchemaShape shape) =>
        ExperimentInputs.Check(shape, Name, Options.DknMethod, Options.DknColumnSuffix);

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, PerturbedQueryProbingTransformer.Columns(Options));

    /// <summary>For R2, chooses the collateral facts from the input (seeded, with a prompt); then opens
    /// the transformer.</summary>
    public override PerturbedQueryProbingTransformer Fit(IDataView input)
    {
        CheckInputs(input.Schema);
        if (Options.Experiment != PerturbedQueryExperiment.Enhancement || Options.CollateralCount == 0)
            return OpenTransformer(null);
        var facts = new List<FactRecord>();
        var columns = FactRowReader
            .Required(Name, FactColumns.Prompts)
            .Select(c => c.Name)
            .Concat(FactRowReader.Optional(input.Schema, FactColumns.Prompts))
            .Distinct()
            .Select(n => input.Schema[n])
            .ToArray();
        using (var cursor = input.GetRowCursor(columns))
        {
            var read = FactRowReader.Bind(cursor, FactColumns.Prompts);
            while (cursor.MoveNext())
                facts.Add(read());
        }
        var chosen = facts
            .Where(f => f.Prompts.Count > 0)
            .OrderBy(
                f =>
                    Convert.ToHexString(
                        System.Security.Cryptography.SHA256.HashData(
                            System.Text.Encoding.UTF8.GetBytes($"{Options.Seed}\u001fcollateral\u001f{f.FactId}")
                        )
                    ),
                StringComparer.Ordinal
            )
            .Take(Options.CollateralCount)
            .Select(f => new CollateralFact(f.FactId, f.RelationId, f.Subject, f.Prompts[0], f.Answer))
            .ToList();
        return Open(Options with { Collateral = chosen }, null, Context);
    }

    private protected override PerturbedQueryProbingTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static PerturbedQueryProbingTransformer Open(
        PerturbedQueryStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    )
    {
        var name = PerturbedQueryProbingTransformer.NameOf(options.Experiment);
        return Open(options, name, expectedHash, (model, hash) =>
        {
            var folder = options.ResolvedFolder(name);
            var store = SharedModels.Store(Path.Combine(folder, "store", PerturbedQueryStage.StoreFileName), () =>
                PerturbedQueryStage.OpenStore(folder)
            );
            return new PerturbedQueryProbingTransformer(
                options,
                model,
                store,
                hash,
                StageRuntime.For(context, name, options.Progress, options.CancellationToken)
            );
        });
    }
}
