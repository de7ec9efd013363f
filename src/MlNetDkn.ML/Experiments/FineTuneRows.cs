namespace MlNetDkn.ML.Experiments;

/// <summary>One fact under every saved fine-tuned model: its answer probability (retention of the old fact, or the
/// old answer's probability after an update of it).</summary>
public sealed record FineTunedFact(string FactId, Dictionary<string, double> Probability);

/// <summary>Over seeds, one variant's fine-tunes at its chosen learning rate.</summary>
public sealed record FineTuneSummaryRow
{
    public required string Variant { get; init; }
    public double LearningRate { get; init; }
    public long TrainableParameters { get; init; }
    public int Seeds { get; init; }
    public double NewAccuracy { get; init; }
    public double NewAccuracyCiLow { get; init; }
    public double NewAccuracyCiHigh { get; init; }
    public double ParaphraseAccuracy { get; init; }
    public double ParaphraseAccuracyCiLow { get; init; }
    public double ParaphraseAccuracyCiHigh { get; init; }
    public double RetentionAccuracy { get; init; }
    public double RetentionAccuracyCiLow { get; init; }
    public double RetentionAccuracyCiHigh { get; init; }
    public double NewProbability { get; init; }
    public double ParaphraseProbability { get; init; }
    public double RetentionProbability { get; init; }
}
