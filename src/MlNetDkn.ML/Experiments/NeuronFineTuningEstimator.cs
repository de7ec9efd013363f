using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.Experiments.Evolvability;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Experiments;

/// <summary>
/// E1 and E2 as an estimator in the full sense: Fit fine-tunes copies of the model on the new facts with only the
/// chosen neurons trainable (DKN, knowledge neurons, matched random, all), chooses each variant's learning rate on
/// validation prompts, repeats over seeds, saves the fine-tuned models, and measures which neurons the full
/// fine-tune changed. The transformer adds each fact's answer probability under every saved fine-tuned model.
/// </summary>
public sealed class NeuronFineTuningEstimator
    : FactStageEstimator<FineTuneNeuronsStageOptions, NeuronFineTuningTransformer>
{
    internal NeuronFineTuningEstimator(FineTuneNeuronsStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema) =>
        ExperimentInputs.Check(schema, NeuronFineTuningTransformer.Name, Options.DknMethod, Options.DknColumnSuffix);

    private protected override void CheckInputs(SchemaShape shape) =>
        ExperimentInputs.Check(shape, NeuronFineTuningTransformer.Name, Options.DknMethod, Options.DknColumnSuffix);

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, NeuronFineTuningTransformer.Columns(Options));

    private protected override NeuronFineTuningTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    /// <summary>Runs every fine-tune (E1) and the overlap (E2) on the input facts and their updates from
    /// <see cref="FineTuneNeuronsStageOptions.NewFactsPath"/>, and opens the fitted transformer.</summary>
    public override NeuronFineTuningTransformer Fit(IDataView input)
    {
        CheckInputs(input.Schema);
        var names = ExperimentInputs.Names(
            input.Schema,
            NeuronFineTuningTransformer.Name,
            Options.DknMethod,
            Options.DknColumnSuffix
        );
        var old = new List<OldFact>();
        using (var cursor = input.GetRowCursor(names.Select(n => input.Schema[n]).ToArray()))
        {
            var read = ExperimentInputs.Bind(
                cursor,
                NeuronFineTuningTransformer.Name,
                Options.DknMethod,
                Options.DknColumnSuffix
            );
            while (cursor.MoveNext())
            {
                var f = read();
                old.Add(new OldFact(f.Fact, f.Dkn, f.KnowledgeNeurons));
            }
        }
        var folder = Options.ResolvedFolder(NeuronFineTuningTransformer.Name);
        EvolvabilityResult result;
        lock (HeavyWork.Gate)
        {
            using var store = EvolvabilityExperiment.OpenStore(folder);
            var experiment = new EvolvabilityExperiment(
                Options.ModelPath,
                Options.Load,
                Options.Evolvability with
                {
                    Seed = Options.Seed,
                },
                store,
                folder
            );
            var channel = Context?.Start(NeuronFineTuningTransformer.Name);
            result = experiment.Run(
                old,
                FactDataset.Read(Options.NewFactsPath),
                new Progress(channel, Options.Progress),
                Options.CancellationToken
            );
            channel?.Dispose();
        }
        return Open(Options with { Result = result }, null, Context);
    }

    sealed class Progress(IChannel? channel, IProgress<FactStageProgress>? progress) : IProgress<string>
    {
        int _done;

        public void Report(string value)
        {
            channel?.Info(MessageSensitivity.None, $"{NeuronFineTuningTransformer.Name}: {value}");
            progress?.Report(new FactStageProgress(NeuronFineTuningTransformer.Name, value, ++_done, 0, false));
        }
    }

    internal static NeuronFineTuningTransformer Open(
        FineTuneNeuronsStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) =>
        Open(options, NeuronFineTuningTransformer.Name, expectedHash, (model, hash) =>
            new NeuronFineTuningTransformer(
                options,
                model,
                hash,
                StageRuntime.For(context, NeuronFineTuningTransformer.Name, options.Progress, options.CancellationToken)
            )
        );
}
