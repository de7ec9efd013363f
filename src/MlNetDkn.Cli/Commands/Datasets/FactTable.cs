using MlNetDkn.Facts;
using Spectre.Console;

namespace MlNetDkn.Cli.Commands.Datasets;

/// <summary>A Spectre table of fact rows: the columns a reader checks first, list columns as counts.</summary>
internal static class FactTable
{
    public static Table Build(IEnumerable<FactRecord> records)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (
            var header in new[]
            {
                "fact_id",
                "relation",
                "subject",
                "first prompt",
                "answer",
                "prompts",
                "date",
                "split",
            }
        )
            table.AddColumn(header);
        foreach (var r in records)
            table.AddRow(
                Text(r.FactId),
                Text(r.RelationId),
                Text(r.Subject),
                Text(r.Prompts.FirstOrDefault() ?? ""),
                Text(r.Answer),
                Text(PromptCounts(r)),
                Text(r.Date ?? "-"),
                Text(r.Split)
            );
        return table;
    }

    /// <summary>"4+2h+1q" = 4 prompts, 2 held-out, 1 question, plus perturbed (p) and false answers (f) when
    /// present.</summary>
    static string PromptCounts(FactRecord r)
    {
        var parts = new List<string> { r.Prompts.Count.ToString() };
        if (r.HeldoutPrompts.Count > 0)
            parts.Add($"{r.HeldoutPrompts.Count}h");
        if (r.QuestionPrompts.Count > 0)
            parts.Add($"{r.QuestionPrompts.Count}q");
        if (r.PerturbedPrompts.Count > 0)
            parts.Add($"{r.PerturbedPrompts.Count}p");
        if (r.FalseAnswers.Count > 0)
            parts.Add($"{r.FalseAnswers.Count}f");
        return string.Join("+", parts);
    }

    // Plain Text renderables: dataset strings may contain '[' which markup would misread.
    static Text Text(string value) => new(value);
}
