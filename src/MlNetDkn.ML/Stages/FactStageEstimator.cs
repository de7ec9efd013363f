using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Internal;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Stages;

/// <summary>
/// The estimator side of a stage: validates its options when built, checks the input columns, and on Fit opens the
/// shared model (and whatever else the stage needs) into a transformer. Stages that learn something from the rows
/// override <see cref="Fit"/>.
/// </summary>
public abstract class FactStageEstimator<TOptions, TTransformer> : IEstimator<TTransformer>
    where TOptions : FactStageOptions
    where TTransformer : class, ITransformer
{
    private protected FactStageEstimator(TOptions options, IChannelProvider? context)
    {
        options.Validate();
        Options = options;
        Context = context;
    }

    /// <summary>The validated options the stage was built with.</summary>
    public TOptions Options { get; }
    private protected IChannelProvider? Context { get; }

    /// <summary>Throws a DknInputException naming the missing or mistyped input column.</summary>
    private protected abstract void CheckInputs(DataViewSchema schema);
    private protected abstract void CheckInputs(SchemaShape shape);
    private protected abstract SchemaShape AddOutputs(SchemaShape input, ModelConfig config);

    /// <summary>Checks the input columns and opens the transformer on the shared model; stages that learn from the
    /// rows override it.</summary>
    public virtual TTransformer Fit(IDataView input)
    {
        CheckInputs(input.Schema);
        return OpenTransformer(expectedHash: null);
    }

    private protected abstract TTransformer OpenTransformer(string? expectedHash);

    /// <summary>The output columns; their sizes come from the model's configuration, read without loading
    /// weights.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        CheckInputs(inputSchema);
        return AddOutputs(inputSchema, ModelLoader.Describe(Options.ModelPath, Options.Load).Config);
    }

    /// <summary>
    /// Acquires the model (checking its hash against a saved pipeline's), lets <paramref name="create"/> build the
    /// transformer, and releases the model if that fails.
    /// </summary>
    internal static T Open<T>(
        FactStageOptions options,
        string stage,
        string? expectedHash,
        Func<Lease<ModelSession>, string, T> create
    )
    {
        var model = SharedModels.Acquire(options.ModelPath, options.Load);
        try
        {
            return create(model, SharedModels.CheckHash(model.Value, options.ModelPath, expectedHash, stage));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
