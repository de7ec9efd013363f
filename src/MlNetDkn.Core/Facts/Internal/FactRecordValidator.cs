namespace MlNetDkn.Facts.Internal;

/// <summary>
/// Checks the row-level contract of a fact dataset (datasets/README.md) and reports the first violation as a
/// <see cref="DknInputException"/> naming the source, the 0-based row and the column.
/// </summary>
internal static class FactRecordValidator
{
    public static void Validate(IReadOnlyList<FactRecord> records, string sourceLabel)
    {
        var firstRowOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var row = 0; row < records.Count; row++)
        {
            var r = records[row];
            RequireText(r.FactId, row, FactColumns.FactId, "fact id", sourceLabel);
            RequireText(r.RelationId, row, FactColumns.RelationId, "relation id", sourceLabel);
            RequireText(r.Subject, row, FactColumns.Subject, "subject", sourceLabel);
            RequireText(r.Answer, row, FactColumns.Answer, "answer", sourceLabel);
            RequireText(r.Split, row, FactColumns.Split, "split", sourceLabel);
            RequireText(r.Source, row, FactColumns.Source, "source", sourceLabel);
            if (r.Date is { } date && string.IsNullOrWhiteSpace(date))
                throw Fail(sourceLabel, row, FactColumns.Date, "blank date (expected a date or null)");

            if (r.Prompts.Count == 0)
                throw Fail(sourceLabel, row, FactColumns.Prompts, "empty prompt list (expected at least one prompt)");
            RequireContinuablePrompts(r.Prompts, row, FactColumns.Prompts, sourceLabel);
            RequireContinuablePrompts(r.HeldoutPrompts, row, FactColumns.HeldoutPrompts, sourceLabel);
            RequireNonBlankItems(r.Aliases, row, FactColumns.Aliases, sourceLabel);
            RequireNonBlankItems(r.QuestionPrompts, row, FactColumns.QuestionPrompts, sourceLabel);
            RequireNonBlankItems(r.PerturbedPrompts, row, FactColumns.PerturbedPrompts, sourceLabel);
            RequireNonBlankItems(r.PerturbedKinds, row, FactColumns.PerturbedKinds, sourceLabel);
            RequireNonBlankItems(r.FalseAnswers, row, FactColumns.FalseAnswers, sourceLabel);
            if (r.PerturbedKinds.Count != r.PerturbedPrompts.Count)
                throw Fail(
                    sourceLabel,
                    row,
                    FactColumns.PerturbedKinds,
                    $"{r.PerturbedKinds.Count} kinds for {r.PerturbedPrompts.Count} perturbed prompts (expected "
                        + $"one kind per prompt)"
                );

            if (firstRowOfId.TryGetValue(r.FactId, out var first))
                throw Fail(
                    sourceLabel,
                    row,
                    FactColumns.FactId,
                    $"duplicate fact id '{r.FactId}' (first used in row {first})"
                );
            firstRowOfId[r.FactId] = row;
        }
    }

    public static DknInputException Fail(string sourceLabel, int row, string column, string problem) =>
        new($"{sourceLabel}: row {row}, column '{column}': {problem}");

    static void RequireText(string? value, int row, string column, string what, string sourceLabel)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw Fail(sourceLabel, row, column, $"empty {what} (expected a non-blank string)");
    }

    static void RequireNonBlankItems(List<string> items, int row, string column, string sourceLabel)
    {
        for (var i = 0; i < items.Count; i++)
            if (string.IsNullOrWhiteSpace(items[i]))
                throw Fail(sourceLabel, row, column, $"item {i} is blank (expected non-blank strings)");
    }

    // A prompt must stop right before the answer: the model's next token is " " + answer.
    static void RequireContinuablePrompts(List<string> prompts, int row, string column, string sourceLabel)
    {
        RequireNonBlankItems(prompts, row, column, sourceLabel);
        for (var i = 0; i < prompts.Count; i++)
            if (char.IsWhiteSpace(prompts[i][^1]))
                throw Fail(
                    sourceLabel,
                    row,
                    column,
                    $"prompt {i} ends with whitespace (expected it to end right before the answer, without a "
                        + $"trailing space)"
                );
    }
}
