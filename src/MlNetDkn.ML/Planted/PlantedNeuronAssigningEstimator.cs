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
public sealed class PlantedNeuronAssigningEstimator
    : FactStageEstimator<PlantedStageOptions, PlantedNeuronAssigningTransformer>
{
    internal PlantedNeuronAssigningEstimator(PlantedStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema)
    {
        foreach (var c in PlantedNeuronAssigningTransformer.InputsOf())
            c.Check(schema);
    }

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in PlantedNeuronAssigningTransformer.InputsOf())
            c.Check(shape);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, PlantedNeuronAssigningTransformer.Columns(config));

    private protected override PlantedNeuronAssigningTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static PlantedNeuronAssigningTransformer Open(
        PlantedStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) =>
        Open(options, PlantedNeuronAssigningTransformer.Name, expectedHash, (model, hash) =>
            new PlantedNeuronAssigningTransformer(
                options,
                model,
                hash,
                StageRuntime.For(
                    context,
                    PlantedNeuronAssigningTransformer.Name,
                    options.Progress,
                    options.CancellationToken
                )
            )
        );
}
