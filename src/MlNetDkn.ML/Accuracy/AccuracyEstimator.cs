using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Accuracy;

/// <summary>Answer accuracy of every fact row on its prompts and held-out paraphrases. Nothing is learned.</summary>
public sealed class AccuracyEstimator : FactStageEstimator<AccuracyStageOptions, AccuracyTransformer>
{
    internal AccuracyEstimator(AccuracyStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema)
    {
        foreach (var c in AccuracyTransformer.InputsOf())
            c.Check(schema);
    }

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in AccuracyTransformer.InputsOf())
            c.Check(shape);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, AccuracyTransformer.Columns);

    private protected override AccuracyTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static AccuracyTransformer Open(
        AccuracyStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) =>
        Open(options, AccuracyTransformer.Name, expectedHash, (model, hash) =>
            new AccuracyTransformer(
                options,
                model,
                hash,
                StageRuntime.For(context, AccuracyTransformer.Name, options.Progress, options.CancellationToken)
            )
        );
}
