using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Planted;

/// <summary>
/// Scores every DKN stage of the pipeline against the planted truth: each group of DKN columns in the data (every
/// method, every column suffix) is one scored method. Adds the fact's planted kind; the tables hold detection
/// precision and recall and component matching per method.
/// </summary>
public sealed class PlantedScoreEstimator : FactStageEstimator<PlantedStageOptions, PlantedScoreTransformer>
{
    internal PlantedScoreEstimator(PlantedStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema)
    {
        foreach (var c in PlantedScoreTransformer.InputsOf())
            c.Check(schema);
        if (PlantedScoreTransformer.Methods(schema).Count == 0)
            throw new DknInputException(
                $"{PlantedScoreTransformer.Name}: no DKN columns to score "
                    + $"('{KnowledgeNeuronColumns.IsDkn}_<method>'): add a find-degenerate-neurons step before it"
            );
    }

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in PlantedScoreTransformer.InputsOf())
            c.Check(shape);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, PlantedScoreTransformer.Columns);

    private protected override PlantedScoreTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static PlantedScoreTransformer Open(
        PlantedStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) =>
        Open(options, PlantedScoreTransformer.Name, expectedHash, (model, hash) =>
            new PlantedScoreTransformer(
                options,
                model,
                hash,
                StageRuntime.For(context, PlantedScoreTransformer.Name, options.Progress, options.CancellationToken)
            )
        );
}
