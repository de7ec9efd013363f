namespace MlNetDkn.Facts;

/// <summary>The Parquet/DataFrame column names of a fact dataset, in file order, and which of them are lists.</summary>
public static class FactColumns
{
    public const string FactId = "fact_id";
    public const string RelationId = "relation_id";
    public const string Subject = "subject";
    public const string Answer = "answer";
    public const string Aliases = "aliases";
    public const string Prompts = "prompts";
    public const string HeldoutPrompts = "heldout_prompts";
    public const string QuestionPrompts = "question_prompts";
    public const string PerturbedPrompts = "perturbed_prompts";
    public const string PerturbedKinds = "perturbed_kinds";
    public const string FalseAnswers = "false_answers";
    public const string Date = "date";
    public const string Split = "split";
    public const string Source = "source";

    /// <summary>Every column, in the order files and DataFrames hold them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        FactId, RelationId, Subject, Answer, Aliases, Prompts, HeldoutPrompts, QuestionPrompts,
        PerturbedPrompts, PerturbedKinds, FalseAnswers, Date, Split, Source,
    ];

    /// <summary>Columns holding list&lt;string&gt;; the others hold one string.</summary>
    public static IReadOnlySet<string> ListColumns { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Aliases, Prompts, HeldoutPrompts, QuestionPrompts, PerturbedPrompts, PerturbedKinds, FalseAnswers,
    };

    /// <summary>Columns a reader may find missing (files written before they existed or by other tools):
    /// they read as empty lists.</summary>
    public static IReadOnlySet<string> OptionalColumns { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        HeldoutPrompts, QuestionPrompts, PerturbedPrompts, PerturbedKinds,
    };

    public static bool IsList(string column) => ListColumns.Contains(column);
}
