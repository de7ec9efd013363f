namespace MlNetDkn.Facts;

/// <summary>The Parquet/DataFrame column names of a fact dataset, in file order, and which of them are lists.</summary>
public static class FactColumns
{
    /// <summary>Column of <see cref="FactRecord.FactId"/>.</summary>
    public const string FactId = "fact_id";

    /// <summary>Column of <see cref="FactRecord.RelationId"/>.</summary>
    public const string RelationId = "relation_id";

    /// <summary>Column of <see cref="FactRecord.Subject"/>.</summary>
    public const string Subject = "subject";

    /// <summary>Column of <see cref="FactRecord.Answer"/>.</summary>
    public const string Answer = "answer";

    /// <summary>Column of <see cref="FactRecord.Aliases"/> (list).</summary>
    public const string Aliases = "aliases";

    /// <summary>Column of <see cref="FactRecord.Prompts"/> (list).</summary>
    public const string Prompts = "prompts";

    /// <summary>Column of <see cref="FactRecord.HeldoutPrompts"/> (list, optional).</summary>
    public const string HeldoutPrompts = "heldout_prompts";

    /// <summary>Column of <see cref="FactRecord.QuestionPrompts"/> (list, optional).</summary>
    public const string QuestionPrompts = "question_prompts";

    /// <summary>Column of <see cref="FactRecord.PerturbedPrompts"/> (list, optional).</summary>
    public const string PerturbedPrompts = "perturbed_prompts";

    /// <summary>Column of <see cref="FactRecord.PerturbedKinds"/> (list, optional).</summary>
    public const string PerturbedKinds = "perturbed_kinds";

    /// <summary>Column of <see cref="FactRecord.FalseAnswers"/> (list).</summary>
    public const string FalseAnswers = "false_answers";

    /// <summary>Column of <see cref="FactRecord.Date"/> (null for timeless facts).</summary>
    public const string Date = "date";

    /// <summary>Column of <see cref="FactRecord.Split"/>.</summary>
    public const string Split = "split";

    /// <summary>Column of <see cref="FactRecord.Source"/>.</summary>
    public const string Source = "source";

    /// <summary>Every column, in the order files and DataFrames hold them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        FactId,
        RelationId,
        Subject,
        Answer,
        Aliases,
        Prompts,
        HeldoutPrompts,
        QuestionPrompts,
        PerturbedPrompts,
        PerturbedKinds,
        FalseAnswers,
        Date,
        Split,
        Source,
    ];

    /// <summary>Columns holding list&lt;string&gt;; the others hold one string.</summary>
    public static IReadOnlySet<string> ListColumns { get; } =
        new HashSet<string>(StringComparer.Ordinal)
        {
            Aliases,
            Prompts,
            HeldoutPrompts,
            QuestionPrompts,
            PerturbedPrompts,
            PerturbedKinds,
            FalseAnswers,
        };

    /// <summary>Columns a reader may find missing (files written before they existed or by other tools):
    /// they read as empty lists.</summary>
    public static IReadOnlySet<string> OptionalColumns { get; } =
        new HashSet<string>(StringComparer.Ordinal)
        {
            HeldoutPrompts,
            QuestionPrompts,
            PerturbedPrompts,
            PerturbedKinds,
        };

    /// <summary>Whether <paramref name="column"/> holds list&lt;string&gt; (see <see cref="ListColumns"/>).</summary>
    public static bool IsList(string column) => ListColumns.Contains(column);
}
