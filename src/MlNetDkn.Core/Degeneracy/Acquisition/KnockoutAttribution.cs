using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy.Acquisition;

/// <summary>One knockout round: the neurons it added, P on the first prompt with everything found so far suppressed,
/// the smallest and the mean relative drop over the prompts, and the round's joint-IG completeness error (first
/// prompt).</summary>
public sealed record KnockoutRound(
    int Round,
    Neuron[] Found,
    double ProbabilityAfter,
    double MinDropAfter,
    double MeanDropAfter,
    double CompletenessError
);

/// <summary>Why knockout stopped.</summary>
public static class KnockoutStops
{
    /// <summary>Suppressing everything found dropped P by at least the options' LostDrop on every prompt.</summary>
    public const string AnswerLost = "answer-lost";

    /// <summary>
    /// A round found no neuron (or opening every open neuron changed P by less than MinRoundEffect of P0).
    /// </summary>
    public const string NothingFound = "nothing-found";

    /// <summary>The options' MaxRounds rounds ran.</summary>
    public const string RoundLimit = "round-limit";

    /// <summary>The options' MaxCandidates candidates were found.</summary>
    public const string CandidateLimit = "candidate-limit";
}

/// <summary>Every round of iterative knockout on one fact, the candidates in the order they were found (round by
/// round, highest score first) and why it stopped.</summary>
public sealed record KnockoutResult(
    IReadOnlyList<KnockoutRound> Rounds,
    IReadOnlyList<Neuron> Candidates,
    string StopReason
);

/// <summary>
/// Iterative knockout: attribute jointly over every layer, keep the round's strongest neurons, suppress everything
/// found so far, and attribute again, until the answer is lost on every prompt, a round finds nothing, or a limit is
/// hit. Each round sees the copies that carried the fact only because the earlier ones were there. Scores are
/// averaged over the fact's prompts, each relative to its own P0, so every paraphrase weighs the same.
/// </summary>
public static class KnockoutAttribution
{
    /// <summary>
    /// Runs knockout rounds on the fact's prompts; the candidates are capped at
    /// <see cref="KnockoutOptions.MaxCandidates"/>.
    /// </summary>
    /// <param name="probes">One prefix-cache probe per prompt, the first prompt first.</param>
    /// <exception cref="DknInputException">The answer probability is 0 on some prompt.</exception>
    public static KnockoutResult Run(IReadOnlyList<PrefixCacheProbe> probes, KnockoutOptions options)
    {
        options.Validate();
        if (probes.Count == 0)
            throw new ArgumentException("knockout needs at least one prompt", nameof(probes));
        var p0 = probes.Select(p => p.BaselineProbability()).ToArray();
        if (p0.Any(p => !(p > 0)))
            throw new DknInputException("knockout: the answer probability without suppression is 0 on some prompt");
        var found = new List<Neuron>();
        var rounds = new List<KnockoutRound>();
        for (int round = 1; round <= options.MaxRounds; round++)
        {
            var attributions = probes.Select(p => JointIntegratedGradients.Attribute(p, found, options)).ToArray();
            var added = Select(attributions, p0, found, options, room: options.MaxCandidates - found.Count);
            if (added.Length == 0)
                return new(rounds, found, KnockoutStops.NothingFound);
            found.AddRange(added);
            var after = probes.Select(p => p.SuppressedProbabilities([found])[0]).ToArray();
            var drops = after.Select((p, k) => (p0[k] - p) / p0[k]).ToArray();
            rounds.Add(
                new KnockoutRound(
                    round,
                    added,
                    after[0],
                    drops.Min(),
                    drops.Average(),
                    attributions[0].CompletenessError
                )
            );
            if (drops.Min() >= options.LostDrop)
                return new(rounds, found, KnockoutStops.AnswerLost);
            if (found.Count >= options.MaxCandidates)
                return new(rounds, found, KnockoutStops.CandidateLimit);
        }
        return new(rounds, found, KnockoutStops.RoundLimit);
    }

    /// <summary>One joint attribution over the prompts with <paramref name="suppressed"/> shut: the neurons a knockout
    /// round would keep (empty when what stays open does not carry the answer).</summary>
    public static Neuron[] Strongest(
        IReadOnlyList<PrefixCacheProbe> probes,
        IReadOnlyCollection<Neuron> suppressed,
        KnockoutOptions options
    )
    {
        var p0 = probes.Select(p => p.BaselineProbability()).ToArray();
        var attributions = probes.Select(p => JointIntegratedGradients.Attribute(p, suppressed, options)).ToArray();
        return Select(attributions, p0, suppressed, options, room: options.MaxPerRound);
    }

    /// <summary>The round's neurons: positive mean relative score at least Ratio × the largest, highest
    /// first.</summary>
    /// <param name="room">At most this many neurons (and at most MaxPerRound).</param>
    static Neuron[] Select(
        IReadOnlyList<JointAttribution> attributions,
        double[] p0,
        IReadOnlyCollection<Neuron> found,
        KnockoutOptions options,
        int room
    )
    {
        int layers = attributions[0].Scores.Length,
            width = attributions[0].Scores[0].Length;
        var taken = found.ToHashSet();
        var mean = new List<(Neuron Neuron, double Score)>();
        for (int l = 0; l < layers; l++)
        for (int i = 0; i < width; i++)
        {
            double s = 0;
            for (int k = 0; k < attributions.Count; k++)
                s += attributions[k].Scores[l][i] / p0[k];
            s /= attributions.Count;
            if (s > 0 && !taken.Contains(new Neuron(l, i)))
                mean.Add((new Neuron(l, i), s));
        }
        // The neurons still open must matter: opening them all (from all shut) moves P by at least MinRoundEffect × P0.
        double effect = attributions.Select((a, k) => (a.OpenProbability - a.ShutProbability) / p0[k]).Average();
        if (mean.Count == 0 || effect < options.MinRoundEffect)
            return [];
        double cut = options.Ratio * mean.Max(x => x.Score);
        return mean.Where(x => x.Score >= cut)
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Neuron)
            .Take(Math.Min(options.MaxPerRound, room))
            .Select(x => x.Neuron)
            .ToArray();
    }
}
