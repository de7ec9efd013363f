namespace MlNetDkn.ML.Experiments;

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
    public required string Variant { get; init; }
    public double LearningRate { get; init; }
    public long TrainableParameters { get; init; }
    public int Seeds { get; init; }
    public string Unit { get; init; } = "fact";
    public int NewFacts { get; init; }
    public double NewAccuracy { get; init; }
    public double NewAccuracyCiLow { get; init; }
    public double NewAccuracyCiHigh { get; init; }
    public int ParaphraseFacts { get; init; }
    public double ParaphraseAccuracy { get; init; }
    public double ParaphraseAccuracyCiLow { get; init; }
    public double ParaphraseAccuracyCiHigh { get; init; }
    public int RetentionFacts { get; init; }
    public double RetentionAccuracy { get; init; }
    public double RetentionAccuracyCiLow { get; init; }
    public double RetentionAccuracyCiHigh { get; init; }
    public double NewProbability { get; init; }
    public double ParaphraseProbability { get; init; }
    public double RetentionProbability { get; init; }
}

/// <summary>A paired E1 contrast on one query set: per fact, the first variant's accuracy minus the second's (each
/// averaged over its seeds and the fact's prompts), mean over facts with a 95 % bootstrap interval and paired t-test.</summary>
public sealed record FineTuneContrastRow
{
    public required string Contrast { get; init; }
    public string Meaning { get; init; } = "";
    public required string QuerySet { get; init; }
    public string Unit { get; init; } = "fact";
    public int Facts { get; init; }
    public double MeanDifference { get; init; }
    public double CiLow { get; init; }
    public double CiHigh { get; init; }
    public double PValue { get; init; }
}
