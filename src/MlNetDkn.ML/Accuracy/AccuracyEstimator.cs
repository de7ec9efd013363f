using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Perturbation;

namespace MlNetDkn.ML.Accuracy;

/// <summary>Answer accuracy of every fact row on its prompts and held-out paraphrases. Nothing is learned.</summary>
public sealed class AccuracyEstimator : IEstimator<AccuracyTransformer>
{
    readonly IChannelProvider? _context;

    internal AccuracyEstimator(AccuracyStageOptions options, IChannelProvider? context)
    {
        options.Validate();
        Options = options;
        _context = context;
    }

    public AccuracyStageOptions Options { get; }

    public AccuracyTransformer Fit(IDataView input)
    {
        foreach (var c in AccuracyTransformer.InputsOf()) c.Check(input.Schema);
        return Open(Options, null, _context);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var c in AccuracyTransformer.InputsOf()) c.Check(inputSchema);
        return SchemaShapes.WithAdded(inputSchema, AccuracyTransformer.Columns);
    }

    internal static AccuracyTransformer Open(AccuracyStageOptions options, string? expectedHash, IChannelProvider? context)
    {
        var model = SharedModels.Acquire(options.ModelPath, options.Load);
        try
        {
            var hash = SharedModels.CheckHash(model.Value, options.ModelPath, expectedHash, AccuracyTransformer.Name);
            return new AccuracyTransformer(options, model, hash, StageRuntime.For(context, AccuracyTransformer.Name, options.Progress, options.CancellationToken));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
