using MlNetDkn.Facts;

namespace MlNetDkn.Cli.Commands.Datasets;

/// <summary>Prints a dataset's totals: facts, relations, prompts, facts per split and per source, content
/// hash.</summary>
internal static class FactCountsPrinter
{
    public static void Print(TextWriter output, FactDataset dataset, string label)
    {
        var records = dataset.Records;
        output.WriteLine(
            string.Concat(
                FormattableString.Invariant(
                    $"{label}: {dataset.Count:N0} facts, {dataset.Relations.Count()} relations, "
                ),
                FormattableString.Invariant($"{records.Sum(r => r.Prompts.Count):N0} prompts, "),
                FormattableString.Invariant($"{records.Sum(r => r.HeldoutPrompts.Count):N0} held-out prompts, "),
                FormattableString.Invariant($"{records.Sum(r => r.QuestionPrompts.Count):N0} question prompts, "),
                FormattableString.Invariant($"{records.Sum(r => r.PerturbedPrompts.Count):N0} perturbed prompts")
            )
        );
        foreach (var group in records.GroupBy(r => r.Split).OrderBy(g => g.Key, StringComparer.Ordinal))
            output.WriteLine(FormattableString.Invariant($"  split {group.Key}: {group.Count():N0} facts"));
        foreach (var group in records.GroupBy(r => r.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
            output.WriteLine(FormattableString.Invariant($"  source {group.Key}: {group.Count():N0} facts"));
        output.WriteLine(FormattableString.Invariant($"  content sha256: {dataset.ContentHash()}"));
    }
}
