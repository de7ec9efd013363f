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
public sealed class PlantedScoringEstimator : FactStageEstimator<PlantedStageOptions, PlantedScoringTransformer>
{
    internal PlantedScoringEstimator(PlantedStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema)
    {
        foreach (var c in PlantedScoringTransformer.InputsOf())
            c.Check(schema);
        if (PlantedScoringTransformer.Methods(schema).Count == 0)
            throw new DknInputException(
                $"{PlantedScoringTransformer.Name}: no DKN columns to score "
                    + $"('{KnowledgeNeuronColumns.IsDkn}_<method>'): add a find-degenerate-neurons step before it"
            );
    }

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in PlantedScoringTransformer.InputsOf())
            c.Check(shape);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, PlantedScoringTransformer.Columns);

    private protected override PlantedScoringTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static PlantedScoringTransformer Open(
        PlantedStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) =>
        Open(options, PlantedScoringTransformer.Name, expectedHash, (model, hash) =>
            new PlantedScoringTransformer(
                options,
                model,
                hash,
                StageRuntime.For(context, PlantedScoringTransformer.Name, options.Progress, options.CancellationToken)
            )
        );
}
