using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Perturbation.Internal;
using static TorchSharp.torch;

namespace MlNetDkn.Perturbation;

/// <summary>
/// The plain probe: one full forward pass of prompt + answer per configuration, no cache, no batching, the neurons
/// scaled at the positions that predict the answer. Slow and simple, it is the independent reference the batched
/// probe and every reported DKN are re-checked against.
/// </summary>
public sealed class FullRecomputationProbe : IAnswerProbe
{
    readonly CausalLm _model;
    readonly long[] _prompt,
        _answer;

    /// <summary>Where the neurons are scaled (the neuron output by default).</summary>
    public NeuronSite Site { get; }

    /// <summary>The score with nothing changed, computed once on construction.</summary>
    public AnswerScore Baseline { get; }

    /// <summary>Checks the inputs (non-empty prompt and answer, token ids inside the vocabulary; else <see
    /// cref="DknInputException"/>) and scores the baseline.</summary>
    public FullRecomputationProbe(
        CausalLm model,
        IReadOnlyList<long> prompt,
        IReadOnlyList<long> answer,
        NeuronSite site = NeuronSite.Post
    )
    {
        ProbeInput.Check(model, prompt, answer);
        _model = model;
        Site = site;
        _prompt = prompt.ToArray();
        _answer = answer.ToArray();
        Baseline = One(ProbeConfiguration.None);
    }

    /// <summary>One score per configuration, in order, each from its own full forward pass.</summary>
    public IReadOnlyList<AnswerScore> Score(IReadOnlyList<ProbeConfiguration> configurations) =>
        configurations.Select(One).ToArray();

    AnswerScore One(ProbeConfiguration configuration)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long[] sequence = [.. _prompt, .. _answer];
        var positions = TokenPositions.At(Enumerable.Range(_prompt.Length - 1, _answer.Length).ToArray());
        foreach (var n in configuration.Neurons)
            ProbeInput.CheckNeuron(_model, n);
        var edits = ScaleNeurons.PerLayer(configuration.Neurons, Site, configuration.Factor, positions);
        using (_model.Intervene(edits))
        {
            var logits = _model.Forward(tensor(sequence, device: _model.Device).unsqueeze(0)); // [1, T, V]
            // [1, T_a, V]
            var predicting = logits[TensorIndex.Colon, TensorIndex.Slice(_prompt.Length - 1, sequence.Length - 1)];
            return AnswerScoring.Of(predicting, _answer)[0];
        }
    }
}
