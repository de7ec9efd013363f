using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Accuracy;

/// <summary>Answer accuracy of every fact row on its prompts and held-out paraphrases. Nothing is learned.</summary>
public sealed class AccuracyMeasuringEstimator : FactStageEstimator<AccuracyStageOptions, AccuracyMeasuringTransformer>
{
    internal AccuracyMeasuringEstimator(AccuracyStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema)
    {
        foreach (var c in AccuracyMeasuringTransformer.InputsOf())
            c.Check(schema);
    }

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in AccuracyMeasuringTransformer.InputsOf())
            c.Check(shape);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, AccuracyMeasuringTransformer.Columns);

    private protected override AccuracyMeasuringTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static AccuracyMeasuringTransformer Open(
        AccuracyStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) =>
        Open(options, AccuracyMeasuringTransformer.Name, expectedHash, (model, hash) =>
            new AccuracyMeasuringTransformer(
                options,
                model,
                hash,
                StageRuntime.For(
                    context,
                    AccuracyMeasuringTransformer.Name,
                    options.Progress,
                    options.CancellationToken
                )
            )
        );
}
