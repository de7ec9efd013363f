namespace MlNetDkn.Attribution;

/// <summary>A neuron with its attribution score.</summary>
public readonly record struct ScoredNeuron(Neuron Neuron, double Score);

/// <summary>How coarse knowledge neurons are cut from a score map.</summary>
public abstract record CoarseThreshold
{
    /// <summary>score &gt; ratio · max score (strict, as Dai et al., EleutherAI and the DKN authors).</summary>
    public static CoarseThreshold RatioOfMax(double ratio) => new RatioOfMaxThreshold(ratio);

    /// <summary>score &gt; value.</summary>
    public static CoarseThreshold Absolute(double value) => new AbsoluteThreshold(value);

    /// <summary>score &gt; the given percentile (0–100) of all scores.</summary>
    public static CoarseThreshold Percentile(double percentile) => new PercentileThreshold(percentile);

    /// <summary>The k highest scores.</summary>
    public static CoarseThreshold TopK(int k) => new TopKThreshold(k);

    /// <summary>Reads "ratio:X" (X in (0, 1]), "abs:X", "percentile:X" (X in [0, 100)) or "topk:K"; throws
    /// <see cref="DknInputException"/> otherwise.</summary>
    public static CoarseThreshold Parse(string text)
    {
        var parts = text.Split(':', 2);
        if (
            parts.Length == 2
            && double.TryParse(
                parts[1],
                System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture,
                out var v
            )
        )
        {
            DknInputException Bad(string expected) => new($"threshold '{text}': {expected}");
            switch (parts[0])
            {
                case "ratio":
                    return v is > 0 and <= 1 ? RatioOfMax(v) : throw Bad("the ratio must be in (0, 1]");
                case "abs":
                    return double.IsFinite(v) ? Absolute(v) : throw Bad("the value must be a finite number");
                case "percentile":
                    return v is >= 0 and < 100 ? Percentile(v) : throw Bad("the percentile must be in [0, 100)");
                case "topk":
                    return v >= 1 && v == Math.Floor(v) && v <= int.MaxValue
                        ? TopK((int)v)
                        : throw Bad("k must be a whole number of at least 1");
            }
        }
        throw new DknInputException(
            $"threshold '{text}' not understood (expected ratio:0.2, abs:1e-4, percentile:99.5 or topk:20)"
        );
    }
}

// ToString is invariant (a German locale must not write "ratio:0,2"), so it always parses back with Parse.
/// <summary>Keeps neurons scoring strictly above <paramref name="Ratio"/> times the prompt's maximum score.</summary>
/// <param name="Ratio">The fraction of the maximum, in (0, 1].</param>
public sealed record RatioOfMaxThreshold(double Ratio) : CoarseThreshold
{
    /// <summary>The spec as <see cref="CoarseThreshold.Parse"/> reads it (invariant culture).</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ratio:{Ratio:R}");
}

/// <summary>Keeps neurons scoring strictly above a fixed value.</summary>
/// <param name="Value">The score to exceed, in the objective's units.</param>
public sealed record AbsoluteThreshold(double Value) : CoarseThreshold
{
    /// <summary>The spec as <see cref="CoarseThreshold.Parse"/> reads it (invariant culture).</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"abs:{Value:R}");
}

/// <summary>Keeps neurons scoring strictly above a percentile of all the prompt's scores.</summary>
/// <param name="Value">The percentile, in [0, 100).</param>
public sealed record PercentileThreshold(double Value) : CoarseThreshold
{
    /// <summary>The spec as <see cref="CoarseThreshold.Parse"/> reads it (invariant culture).</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"percentile:{Value:R}");
}

/// <summary>Keeps the K highest-scoring neurons (ties broken by layer, then index).</summary>
/// <param name="K">How many neurons, at least 1.</param>
public sealed record TopKThreshold(int K) : CoarseThreshold
{
    /// <summary>The spec as <see cref="CoarseThreshold.Parse"/> reads it (invariant culture).</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"topk:{K}");
}

/// <summary>Knowledge-neuron selection: coarse cut per prompt, refinement across paraphrases, relation-level
/// sets.</summary>
public static class NeuronSelection
{
    /// <summary>Neurons passing the threshold, sorted by score descending (ties by layer, index).</summary>
    public static IReadOnlyList<ScoredNeuron> Coarse(double[][] scores, CoarseThreshold threshold)
    {
        var all = scores.SelectMany((row, l) => row.Select((s, i) => new ScoredNeuron(new Neuron(l, i), s))).ToList();
        var sorted = all.OrderByDescending(n => n.Score).ThenBy(n => n.Neuron).ToList();
        return threshold switch
        {
            RatioOfMaxThreshold r => sorted.Where(n => n.Score > r.Ratio * sorted[0].Score).ToList(),
            AbsoluteThreshold a => sorted.Where(n => n.Score > a.Value).ToList(),
            PercentileThreshold p => sorted
                .Where(n => n.Score > Statistics.Quantile(all.Select(x => x.Score), p.Value / 100))
                .ToList(),
            TopKThreshold k => sorted.Take(k.K).ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(threshold)),
        };
    }

    /// <summary>
    /// Refined knowledge neurons of one fact: those coarse in at least <paramref name="shareRatio"/> of its prompts
    /// (and at least <paramref name="minPrompts"/> of them), ordered by how many prompts share them, then by mean
    /// score.
    /// </summary>
    /// <param name="strictlyMore">EleutherAI's rule: shared by more than shareRatio · prompts (count &gt; n·p).</param>
    public static IReadOnlyList<ScoredNeuron> Refine(
        IReadOnlyList<IReadOnlyList<ScoredNeuron>> perPrompt,
        double shareRatio,
        int minPrompts = 1,
        bool strictlyMore = false
    )
    {
        if (perPrompt.Count == 0)
            return [];
        double share = shareRatio * perPrompt.Count;
        return perPrompt
            .SelectMany(p => p)
            .GroupBy(n => n.Neuron)
            .Where(g =>
                g.Count() >= minPrompts && (strictlyMore ? g.Count() > share + 1e-12 : g.Count() >= share - 1e-12)
            )
            .OrderByDescending(g => g.Count())
            .ThenByDescending(g => g.Average(n => n.Score))
            .ThenBy(g => g.Key)
            .Select(g => new ScoredNeuron(g.Key, g.Average(n => n.Score)))
            .ToList();
    }
}
