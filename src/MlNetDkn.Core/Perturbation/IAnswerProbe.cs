namespace MlNetDkn.Perturbation;

/// <summary>
/// One way of running the model on a prompt: the chosen neurons multiplied by <see cref="Factor"/> (0 suppresses,
/// 2 enhances) where the answer is predicted. An empty neuron set is the unmodified model.
/// </summary>
public sealed record ProbeConfiguration(IReadOnlyCollection<Neuron> Neurons, double Factor = 0.0)
{
    /// <summary>The unmodified model: no neuron, factor 1.</summary>
    public static ProbeConfiguration None { get; } = new(Array.Empty<Neuron>(), 1.0);

    /// <summary>The given neurons zeroed (factor 0).</summary>
    public static ProbeConfiguration Suppress(IReadOnlyCollection<Neuron> neurons) => new(neurons, 0.0);
}

/// <summary>
/// How the model answers under one configuration: the teacher-forced log-probability of the whole answer, the rank
/// of its first token among all next tokens (0 = the model's top choice), whether every answer token is the argmax
/// given the gold tokens before it (greedy decoding would produce the answer), and the logit margin: per answer
/// token, the gold logit minus the largest other logit, averaged over the answer's tokens (positive when the answer
/// wins; unlike P it does not saturate).
/// </summary>
public readonly record struct AnswerScore(
    double LogProbability,
    int FirstTokenRank,
    bool Greedy,
    double Margin = double.NaN
)
{
    /// <summary>The answer's probability, exp(<see cref="LogProbability"/>): the product over its tokens.</summary>
    public double Probability => Math.Exp(LogProbability);
}

/// <summary>
/// The model seen through one prompt and its answer: scores under many neuron configurations, with nothing changed
/// as the baseline. Every answer-probability measurement (DKN finding, the functional check, the degeneracy curve,
/// the perturbation experiments) goes through this interface, so a runtime can batch the configurations.
/// </summary>
public interface IAnswerProbe
{
    /// <summary>The answer with nothing changed.</summary>
    AnswerScore Baseline { get; }

    /// <summary>One score per configuration, in order.</summary>
    IReadOnlyList<AnswerScore> Score(IReadOnlyList<ProbeConfiguration> configurations);
}

/// <summary>Probability shortcuts over <see cref="IAnswerProbe"/>.</summary>
public static class AnswerProbeExtensions
{
    /// <summary>P0: the answer probability with nothing changed.</summary>
    public static double BaselineProbability(this IAnswerProbe probe) => probe.Baseline.Probability;

    /// <summary>The answer probability with each set of neurons suppressed (zeroed); result i belongs to set
    /// i.</summary>
    public static IReadOnlyList<double> SuppressedProbabilities(
        this IAnswerProbe probe,
        IReadOnlyList<IReadOnlyCollection<Neuron>> sets
    ) => probe.Score(sets.Select(ProbeConfiguration.Suppress).ToArray()).Select(s => s.Probability).ToArray();
}
