namespace MlNetDkn.ML.Experiments;

/// <summary>One detector on the test split.</summary>
public sealed record FactCheckMetricsRow
{
    public required string Detector { get; init; }
    public double Threshold { get; init; }
    /// <summary>+1: higher scores mean true; −1: lower scores mean true (fitted on validation; the authors' rule is +1).</summary>
    public int Direction { get; init; } = 1;
    public int TestFacts { get; init; }
    public int Statements { get; init; }
    /// <summary>Statements with a score (a relation without a neuron set gives none).</summary>
    public int Scored { get; init; }
    /// <summary>The unit of the accuracy interval: the fact, its true and false statement averaged first (they share a
    /// subject and prompt, so they are not independent trials); AccuracyFacts is the interval's denominator.</summary>
    public string Unit { get; init; } = "fact";
    public int AccuracyFacts { get; init; }
    public double Auc { get; init; } = double.NaN;
    public double Auprc { get; init; } = double.NaN;
    public double Accuracy { get; init; } = double.NaN;
    public double AccuracyCiLow { get; init; } = double.NaN;
    public double AccuracyCiHigh { get; init; } = double.NaN;
    public double Precision { get; init; } = double.NaN;
    public double Recall { get; init; } = double.NaN;
    public double F1 { get; init; } = double.NaN;
    public double AuthorsPrecision { get; init; } = double.NaN;
    public double AuthorsRecall { get; init; } = double.NaN;
    public double AuthorsF1 { get; init; } = double.NaN;
    /// <summary>Why the metrics are NaN (undefined on this data), in one line; empty when they are defined.</summary>
    public string Undefined { get; init; } = "";
}

/// <summary>One scored statement.</summary>
public sealed class FactCheckStatementRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Split { get; init; } = "";
    public string Prompt { get; init; } = "";
    public string Answer { get; init; } = "";
    public bool IsTrue { get; init; }
    /// <summary>"detector=score;..."</summary>
    public string Scores { get; init; } = "";
}
