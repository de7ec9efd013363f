using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Perturbation.Internal;
using static TorchSharp.torch;

namespace MlNetDkn.Perturbation;

/// <summary>
/// The DKN authors' verification probability (get_predict_acc, method.md §1.6): answer step t reads
/// P(target_t | prompt + the model's own argmax tokens so far), the neurons are scaled only at the current last
/// position, and the score is the product over steps. Not teacher forcing: from the second step on it conditions on
/// the model's continuation, not the gold one. One full forward per step and configuration; for one-token answers it
/// equals <see cref="FullRecomputationProbe"/>. For faithful reproduction only.
/// </summary>
public sealed class ArgmaxFedProbe : IAnswerProbe
{
    readonly CausalLm _model;
    readonly long[] _prompt,
        _answer;

    /// <summary>Where the neurons are scaled (the pre-activation by default, as the authors do).</summary>
    public NeuronSite Site { get; }

    /// <summary>The score with nothing changed, computed once on construction.</summary>
    public AnswerScore Baseline { get; }

    /// <summary>Checks the inputs (non-empty prompt and answer, token ids inside the vocabulary; else <see
    /// cref="DknInputException"/>) and scores the baseline.</summary>
    public ArgmaxFedProbe(
        CausalLm model,
        IReadOnlyList<long> prompt,
        IReadOnlyList<long> answer,
        NeuronSite site = NeuronSite.Pre
    )
    {
        ProbeInput.Check(model, prompt, answer);
        _model = model;
        Site = site;
        _prompt = prompt.ToArray();
        _answer = answer.ToArray();
        Baseline = One(ProbeConfiguration.None);
    }

    /// <summary>One score per configuration, in order; throws <see cref="DknInputException"/> for a neuron outside the
    /// model.</summary>
    public IReadOnlyList<AnswerScore> Score(IReadOnlyList<ProbeConfiguration> configurations) =>
        configurations.Select(One).ToArray();

    AnswerScore One(ProbeConfiguration configuration)
    {
        foreach (var n in configuration.Neurons)
            ProbeInput.CheckNeuron(_model, n);
        var edits = ScaleNeurons.PerLayer(configuration.Neurons, Site, configuration.Factor, TokenPositions.Last);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var tokens = _prompt.ToList();
        double logProbability = 0,
            margin = 0;
        int firstRank = 0;
        bool greedy = true;
        using (_model.Intervene(edits))
            for (int t = 0; t < _answer.Length; t++)
            {
                var logits = _model.Forward(tensor(tokens.ToArray(), device: _model.Device).unsqueeze(0))[
                    TensorIndex.Colon,
                    TensorIndex.Slice(-1, null)
                ]; // [1, 1, V]
                var step = AnswerScoring.Of(logits, [_answer[t]])[0];
                logProbability += step.LogProbability;
                margin += step.Margin;
                if (t == 0)
                    firstRank = step.FirstTokenRank;
                long next = logits[0, 0].argmax().item<long>();
                greedy &= next == _answer[t];
                tokens.Add(next); // the model's own token, as the authors' code appends it
            }
        return new AnswerScore(logProbability, firstRank, greedy, margin / _answer.Length);
    }
}
