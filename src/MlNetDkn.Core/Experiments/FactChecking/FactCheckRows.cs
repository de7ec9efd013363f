namespace MlNetDkn.Experiments.FactChecking;

/// <summary>One detector on the test split.</summary>
public sealed record FactCheckMetricsRow
{
    /// <summary>The detector's name (the <c>&lt;d&gt;</c> of the <c>fact_check_true_&lt;d&gt;</c> columns).</summary>
    public required string Detector { get; init; }

    /// <summary>The score cut fitted on the validation split; a statement is judged true on its side given by
    /// <see cref="Direction"/>.</summary>
    public double Threshold { get; init; }

    /// <summary>+1: higher scores mean true; −1: lower scores mean true (fitted on validation; the authors' rule is
    /// +1).</summary>
    public int Direction { get; init; } = 1;

    /// <summary>Test-split facts with both a true and a false statement.</summary>
    public int TestFacts { get; init; }

    /// <summary>Test statements: two per test fact (one true, one false).</summary>
    public int Statements { get; init; }

    /// <summary>Statements with a score (a relation without a neuron set gives none).</summary>
    public int Scored { get; init; }

    /// <summary>The unit of the accuracy interval: the fact, its true and false statement averaged first (they share a
    /// subject and prompt, so they are not independent trials); AccuracyFacts is the interval's denominator.</summary>
    public string Unit { get; init; } = "fact";

    /// <summary>Facts with at least one scored statement: the denominator of the accuracy interval.</summary>
    public int AccuracyFacts { get; init; }

    /// <summary>Area under the ROC curve of the oriented score over the scored statements; NaN when
    /// not computable.</summary>
    public double Auc { get; init; } = double.NaN;

    /// <summary>Area under the precision-recall curve (true statements positive); NaN when not computable.</summary>
    public double Auprc { get; init; } = double.NaN;

    /// <summary>Share of scored statements judged correctly (ML.NET's accuracy over statements).</summary>
    public double Accuracy { get; init; } = double.NaN;

    /// <summary>Lower bound of the 95 % Wilson interval of the accuracy, with the fact as the unit.</summary>
    public double AccuracyCiLow { get; init; } = double.NaN;

    /// <summary>Upper bound of the 95 % Wilson interval of the accuracy, with the fact as the unit.</summary>
    public double AccuracyCiHigh { get; init; } = double.NaN;

    /// <summary>ML.NET's positive precision: true statements among those judged true.</summary>
    public double Precision { get; init; } = double.NaN;

    /// <summary>ML.NET's positive recall: true statements judged true among all scored true statements.</summary>
    public double Recall { get; init; } = double.NaN;

    /// <summary>ML.NET's F1 of <see cref="Precision"/> and <see cref="Recall"/>.</summary>
    public double F1 { get; init; } = double.NaN;

    /// <summary>The authors' micro precision TP / (TP + FP), true statements judged true being TP; NaN without
    /// any judged true.</summary>
    public double AuthorsPrecision { get; init; } = double.NaN;

    /// <summary>The authors' micro recall TP / (TP + FN); NaN without any scored true statement.</summary>
    public double AuthorsRecall { get; init; } = double.NaN;

    /// <summary>Harmonic mean of <see cref="AuthorsPrecision"/> and <see cref="AuthorsRecall"/>; NaN
    /// when either is.</summary>
    public double AuthorsF1 { get; init; } = double.NaN;

    /// <summary>Why the metrics are NaN (undefined on this data), in one line; empty when they are defined.</summary>
    public string Undefined { get; init; } = "";
}

/// <summary>One scored statement.</summary>
public sealed class FactCheckStatementRow
{
    /// <summary>Id of the fact the statement is about.</summary>
    public string FactId { get; init; } = "";

    /// <summary>The fact's relation id.</summary>
    public string RelationId { get; init; } = "";

    /// <summary>The fact's subject.</summary>
    public string Subject { get; init; } = "";

    /// <summary>The fact-check split of the fact (train, validation or test).</summary>
    public string Split { get; init; } = "";

    /// <summary>The prompt the statement completes.</summary>
    public string Prompt { get; init; } = "";

    /// <summary>The answer stated: the fact's true answer, or the false one it is contrasted with.</summary>
    public string Answer { get; init; } = "";

    /// <summary>True for the statement with the fact's true answer.</summary>
    public bool IsTrue { get; init; }

    /// <summary>"detector=score;..."</summary>
    public string Scores { get; init; } = "";
}
