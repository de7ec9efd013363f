using MlNetDkn.Degeneracy;
using MlNetDkn.Modeling;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Experiments;

/// <summary>Where an intervention acts: on activations during the forward pass, or on the weights.</summary>
public enum InterventionRoute
{
    /// <summary>The neurons' activations are scaled during the forward pass, where the answer is predicted.</summary>
    Activations,

    /// <summary>The neurons' weights are scaled in place (<see cref="Perturbation.WeightEdits"/>), acting at every
    /// position.</summary>
    Weights,
}

/// <summary>How an experiment intervenes and measures: neuron site, probability, weight-edit mode.</summary>
public sealed record InterventionSettings
{
    /// <summary>Activation interventions scale this site (the neuron output by default; the authors' code scales
    /// the pre-activation, so ×2 there is act(2h), not 2·act(h)).</summary>
    public NeuronSite Site { get; init; } = NeuronSite.Post;

    /// <summary>Teacher-forced answer probability (default) or the authors' argmax-fed product.</summary>
    public CheckProbability Probability { get; init; } = CheckProbability.TeacherForced;

    /// <summary>Which of a neuron's weights the weight route scales (input and output by default, as the authors
    /// do).</summary>
    public WeightEditMode WeightMode { get; init; } = WeightEditMode.InputAndOutput;
}

/// <summary>
/// Scores prompts (a fact's clean prompt first, then its perturbed ones, then any collateral prompts) under every
/// condition set, by activations (one frozen prefix cache per prompt, every set a row of one batch) or by weights (one
/// edit per set, all prompts in one batch). Result [prompt][set]; the None set is the unmodified model.
/// </summary>
public static class ConditionScoring
{
    /// <param name="items">Prompt and answer tokens, one per scored prompt.</param>
    public static AnswerScore[][] Score(
        CausalLm model,
        IReadOnlyList<(long[] Prompt, long[] Answer)> items,
        IReadOnlyList<ConditionSet> sets,
        double factor,
        InterventionRoute route,
        InterventionSettings settings
    ) =>
        route == InterventionRoute.Activations
            ? Activations(model, items, sets, factor, settings)
            : Weights(model, items, sets, factor, settings);

    static AnswerScore[][] Activations(
        CausalLm model,
        IReadOnlyList<(long[] Prompt, long[] Answer)> items,
        IReadOnlyList<ConditionSet> sets,
        double factor,
        InterventionSettings settings
    )
    {
        var configurations = sets.Select(s => new ProbeConfiguration(s.Neurons, s.Neurons.Length == 0 ? 1.0 : factor))
            .ToArray();
        return items
            .Select(item =>
            {
                var (p, answer) = item;
                IAnswerProbe probe =
                    settings.Probability == CheckProbability.AuthorsArgmaxFed
                        ? new ArgmaxFedProbe(model, p, answer, settings.Site)
                        : new PrefixCacheProbe(model, p, answer, settings.Site);
                try
                {
                    return probe.Score(configurations).ToArray();
                }
                finally
                {
                    (probe as IDisposable)?.Dispose();
                }
            })
            .ToArray();
    }

    static AnswerScore[][] Weights(
        CausalLm model,
        IReadOnlyList<(long[] Prompt, long[] Answer)> items,
        IReadOnlyList<ConditionSet> sets,
        double factor,
        InterventionSettings settings
    )
    {
        var result = items.Select(_ => new AnswerScore[sets.Count]).ToArray();
        for (int s = 0; s < sets.Count; s++)
        {
            using var edit =
                sets[s].Neurons.Length == 0
                    ? null
                    : WeightEdits.Scale(model, sets[s].Neurons, factor, settings.WeightMode);
            var scores =
                settings.Probability == CheckProbability.AuthorsArgmaxFed
                    ? items.Select(i => new ArgmaxFedProbe(model, i.Prompt, i.Answer, settings.Site).Baseline).ToArray()
                    : PromptBatchProbe.Score(model, items);
            for (int p = 0; p < items.Count; p++)
                result[p][s] = scores[p];
        }
        return result;
    }
}
