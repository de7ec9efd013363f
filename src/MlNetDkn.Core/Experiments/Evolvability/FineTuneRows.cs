namespace MlNetDkn.Experiments.Evolvability;

/// <summary>One fact under every saved fine-tuned model: its answer probability (retention of the old fact, or the
/// old answer's probability after an update of it).</summary>
public sealed record FineTunedFact(string FactId, Dictionary<string, double> Probability);

/// <summary>
/// Over seeds, one variant's fine-tunes at its chosen learning rate. The unit is the fact: its prompts and seeds are
/// averaged first, the *Facts columns are the denominators, and the intervals are 95 % Wilson over facts (bounded in
/// [0, 1]; a t-interval over three seeds is not).
/// </summary>
public sealed record FineTuneSummaryRow
{
    /// <summary>The fine-tuned neuron pool ("dkn", "kn", "random", ...).</summary>
    public required string Variant { get; init; }

    /// <summary>The learning rate chosen for the variant on the held-out criterion.</summary>
    public double LearningRate { get; init; }

    /// <summary>Parameters the variant's fine-tune updates.</summary>
    public long TrainableParameters { get; init; }

    /// <summary>Fine-tunes (one per seed) averaged in this row.</summary>
    public int Seeds { get; init; }

    /// <summary>The unit of the intervals: "fact".</summary>
    public string Unit { get; init; } = "fact";

    /// <summary>Facts behind the Q_new (updated facts) numbers.</summary>
    public int NewFacts { get; init; }

    /// <summary>Share of the updated facts' prompts answered with the new answer, averaged per fact over
    /// prompts and seeds.</summary>
    public double NewAccuracy { get; init; }

    /// <summary>Lower bound of the 95 % Wilson interval of <see cref="NewAccuracy"/>.</summary>
    public double NewAccuracyCiLow { get; init; }

    /// <summary>Upper bound of the 95 % Wilson interval of <see cref="NewAccuracy"/>.</summary>
    public double NewAccuracyCiHigh { get; init; }

    /// <summary>Facts behind the Q_au (paraphrases of the updated facts) numbers.</summary>
    public int ParaphraseFacts { get; init; }

    /// <summary>Share of the updated facts' paraphrases answered with the new answer, per fact over
    /// prompts and seeds.</summary>
    public double ParaphraseAccuracy { get; init; }

    /// <summary>Lower bound of the 95 % Wilson interval of <see cref="ParaphraseAccuracy"/>.</summary>
    public double ParaphraseAccuracyCiLow { get; init; }

    /// <summary>Upper bound of the 95 % Wilson interval of <see cref="ParaphraseAccuracy"/>.</summary>
    public double ParaphraseAccuracyCiHigh { get; init; }

    /// <summary>Facts behind the Q_old (retention of untouched facts) numbers.</summary>
    public int RetentionFacts { get; init; }

    /// <summary>Share of the retained facts' prompts still answered correctly, per fact over
    /// prompts and seeds.</summary>
    public double RetentionAccuracy { get; init; }

    /// <summary>Lower bound of the 95 % Wilson interval of <see cref="RetentionAccuracy"/>.</summary>
    public double RetentionAccuracyCiLow { get; init; }

    /// <summary>Upper bound of the 95 % Wilson interval of <see cref="RetentionAccuracy"/>.</summary>
    public double RetentionAccuracyCiHigh { get; init; }

    /// <summary>Mean probability of the new answer on Q_new, averaged over seeds.</summary>
    public double NewProbability { get; init; }

    /// <summary>Mean probability of the new answer on Q_au, averaged over seeds.</summary>
    public double ParaphraseProbability { get; init; }

    /// <summary>Mean probability of the correct answer on Q_old, averaged over seeds.</summary>
    public double RetentionProbability { get; init; }
}

/// <summary>A paired E1 contrast on one query set: per fact, the first variant's accuracy minus the second's (each
/// averaged over its seeds and the fact's prompts), mean over facts with a 95 % bootstrap interval and paired
/// t-test.</summary>
public sealed record FineTuneContrastRow
{
    /// <summary>The two variants compared, "a - b" (e.g. "dkn - random").</summary>
    public required string Contrast { get; init; }

    /// <summary>What the contrast compares, in words.</summary>
    public string Meaning { get; init; } = "";

    /// <summary>Q_new (updated facts), Q_au (their paraphrases) or Q_old (retention).</summary>
    public required string QuerySet { get; init; }

    /// <summary>The unit of analysis: "fact".</summary>
    public string Unit { get; init; } = "fact";

    /// <summary>Facts paired in the contrast.</summary>
    public int Facts { get; init; }

    /// <summary>Mean over facts of the first variant's accuracy minus the second's (positive: the
    /// first does better).</summary>
    public double MeanDifference { get; init; }

    /// <summary>Lower bound of the 95 % bootstrap interval of <see cref="MeanDifference"/>.</summary>
    public double CiLow { get; init; }

    /// <summary>Upper bound of the 95 % bootstrap interval of <see cref="MeanDifference"/>.</summary>
    public double CiHigh { get; init; }

    /// <summary>Two-sided p-value of the paired t-test of the per-fact differences.</summary>
    public double PValue { get; init; }
}
