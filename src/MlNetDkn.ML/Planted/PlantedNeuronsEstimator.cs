using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Planted;

/// <summary>
/// Gives every planted fact its true knowledge neurons (its components' neurons and, optionally, its noise neurons,
/// in a seeded order) in the knowledge-neuron columns, so DKN acquisition can be scored without attribution errors.
/// </summary>
public sealed class PlantedNeuronsEstimator : FactStageEstimator<PlantedStageOptions, PlantedNeuronsTransformer>
{
    internal PlantedNeuronsEstimator(PlantedStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema)
    {
        foreach (var c in PlantedNeuronsTransformer.InputsOf())
            c.Check(schema);
    }

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in PlantedNeuronsTransformer.InputsOf())
            c.Check(shape);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, PlantedNeuronsTransformer.Columns(config));

    private protected override PlantedNeuronsTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static PlantedNeuronsTransformer Open(
        PlantedStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) =>
        Open(options, PlantedNeuronsTransformer.Name, expectedHash, (model, hash) =>
            new PlantedNeuronsTransformer(
                options,
                model,
                hash,
                StageRuntime.For(context, PlantedNeuronsTransformer.Name, options.Progress, options.CancellationToken)
            )
        );
}
