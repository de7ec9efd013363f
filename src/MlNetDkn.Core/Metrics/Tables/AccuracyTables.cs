using MlNetDkn.Perturbation;
using MlNetDkn.Training;

namespace MlNetDkn.Metrics.Tables;

/// <summary>Answer accuracy of one (split, prompt kind) group.</summary>
public sealed record AccuracyRow(string Split, string PromptKind, int Facts, int Prompts, int Correct)
{
    /// <see cref="Correct"/> / <see cref="Prompts"/>, in [0, 1]; NaN without prompts.
    public double Accuracy => Prompts == 0 ? double.NaN : (double)Correct / Prompts;
}

/// <summary>Accuracy per split and prompt kind (training prompts, held-out paraphrases), and per fact.</summary>
public static class AccuracyTables
{
    /// <summary>Table names: the per (split, prompt kind) summary and the per-fact rows.</summary>
    public const string SummaryTable = "accuracy",
        FactsTable = "accuracy_facts";

    /// <summary>One row per (split, prompt kind) that has prompts, splits in order of first appearance.</summary>
    public static IReadOnlyList<AccuracyRow> Summarise(IEnumerable<FactAccuracy> facts)
    {
        var rows = new List<AccuracyRow>();
        foreach (var split in facts.GroupBy(f => f.Split, StringComparer.Ordinal))
        {
            int n = split.Count();
            if (split.Sum(f => f.Prompts) > 0)
                rows.Add(
                    new AccuracyRow(
                        split.Key,
                        PromptKinds.Prompts,
                        n,
                        split.Sum(f => f.Prompts),
                        split.Sum(f => f.PromptsCorrect)
                    )
                );
            if (split.Sum(f => f.Heldout) > 0)
                rows.Add(
                    new AccuracyRow(
                        split.Key,
                        PromptKinds.Heldout,
                        n,
                        split.Sum(f => f.Heldout),
                        split.Sum(f => f.HeldoutCorrect)
                    )
                );
        }
        return rows;
    }

    /// <summary>Writes the summary and per-fact accuracy tables into <paramref name="folder"/>; returns the paths
    /// written.</summary>
    public static IReadOnlyList<string> Write(
        IReadOnlyList<FactAccuracy> facts,
        string folder,
        IReadOnlyDictionary<string, string>? metadata = null
    )
    {
        var written = new List<string>();
        void Add((string Parquet, string Csv) p) => written.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(Summarise(facts), folder, SummaryTable, metadata));
        Add(MetricTableRecords.WriteRecords(facts, folder, FactsTable, metadata));
        return written;
    }
}
