namespace MlNetDkn.Facts.Internal;

/// <summary>Column-name access to a <see cref="FactRecord"/>, so converters and hashing walk
/// <see cref="FactColumns.All"/> instead of repeating the field list.</summary>
internal static class FactRecordAccess
{
    public static string? GetString(FactRecord r, string column) =>
        column switch
        {
            FactColumns.FactId => r.FactId,
            FactColumns.RelationId => r.RelationId,
            FactColumns.Subject => r.Subject,
            FactColumns.Answer => r.Answer,
            FactColumns.Date => r.Date,
            FactColumns.Split => r.Split,
            FactColumns.Source => r.Source,
            _ => throw new ArgumentException($"'{column}' is not a string column", nameof(column)),
        };

    public static void SetString(FactRecord r, string column, string? value)
    {
        switch (column)
        {
            case FactColumns.FactId:
                r.FactId = value!;
                break;
            case FactColumns.RelationId:
                r.RelationId = value!;
                break;
            case FactColumns.Subject:
                r.Subject = value!;
                break;
            case FactColumns.Answer:
                r.Answer = value!;
                break;
            case FactColumns.Date:
                r.Date = value;
                break;
            case FactColumns.Split:
                r.Split = value!;
                break;
            case FactColumns.Source:
                r.Source = value!;
                break;
            default:
                throw new ArgumentException($"'{column}' is not a string column", nameof(column));
        }
    }

    public static List<string> GetList(FactRecord r, string column) =>
        column switch
        {
            FactColumns.Aliases => r.Aliases,
            FactColumns.Prompts => r.Prompts,
            FactColumns.HeldoutPrompts => r.HeldoutPrompts,
            FactColumns.QuestionPrompts => r.QuestionPrompts,
            FactColumns.PerturbedPrompts => r.PerturbedPrompts,
            FactColumns.PerturbedKinds => r.PerturbedKinds,
            FactColumns.FalseAnswers => r.FalseAnswers,
            _ => throw new ArgumentException($"'{column}' is not a list column", nameof(column)),
        };

    public static void SetList(FactRecord r, string column, List<string> value)
    {
        switch (column)
        {
            case FactColumns.Aliases:
                r.Aliases = value;
                break;
            case FactColumns.Prompts:
                r.Prompts = value;
                break;
            case FactColumns.HeldoutPrompts:
                r.HeldoutPrompts = value;
                break;
            case FactColumns.QuestionPrompts:
                r.QuestionPrompts = value;
                break;
            case FactColumns.PerturbedPrompts:
                r.PerturbedPrompts = value;
                break;
            case FactColumns.PerturbedKinds:
                r.PerturbedKinds = value;
                break;
            case FactColumns.FalseAnswers:
                r.FalseAnswers = value;
                break;
            default:
                throw new ArgumentException($"'{column}' is not a list column", nameof(column));
        }
    }

    /// <summary>Parquet may hand back null lists (or null rows in a list); the contract treats them as empty.</summary>
    public static void NormalizeNullLists(FactRecord r)
    {
        foreach (var column in FactColumns.ListColumns)
            if (GetList(r, column) is null)
                SetList(r, column, []);
    }
}
