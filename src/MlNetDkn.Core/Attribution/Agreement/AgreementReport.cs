using System.Globalization;
using System.Text;
using MlNetDkn.Metrics;

namespace MlNetDkn.Attribution.Agreement;

/// <summary>Writes an agreement run's tables (Parquet and CSV) and agreement.md, the table a reader checks a variant
/// in.</summary>
public static class AgreementReport
{
    /// <summary>Writes agreement, agreement_facts and agreement_prompts (Parquet and CSV) and agreement.md into
    /// <paramref name="folder"/>; returns the paths.</summary>
    /// <param name="provenance">Stored in the Parquet metadata and listed in the Markdown.</param>
    public static IReadOnlyList<string> Write(
        AgreementResult result,
        string folder,
        string heading,
        IReadOnlyDictionary<string, string> provenance
    )
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (
            var (parquet, csv) in new[]
            {
                MetricTableRecords.WriteRecords(result.Variants, folder, "agreement", provenance),
                MetricTableRecords.WriteRecords(result.Facts, folder, "agreement_facts", provenance),
                MetricTableRecords.WriteRecords(result.Prompts, folder, "agreement_prompts", provenance),
            }
        )
            files.AddRange([parquet, csv]);
        var markdown = Path.Combine(folder, "agreement.md");
        File.WriteAllText(markdown, Markdown(result, heading, provenance));
        files.Add(markdown);
        return files;
    }

    /// <summary>The agreement.md text: one row per variant under <paramref name="heading"/>,
    /// with its verdict.</summary>
    public static string Markdown(
        AgreementResult result,
        string heading,
        IReadOnlyDictionary<string, string> provenance
    )
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine($"### {heading}").AppendLine();
        md.AppendLine(
            "| variant | dtype | steps | prompts | facts | top-10 overlap [95 % CI] | top-50 | Spearman mean (min) "
                + "| KN Jaccard [95 % CI] | DKN verdict agrees | facts with DKN (ref / variant) | DKN Jaccard | s "
                + "/ prompt | speed-up | verdict |"
        );
        md.AppendLine("|---|---|---:|---:|---:|---|---:|---|---|---:|---|---:|---:|---:|---|");
        foreach (var v in result.Variants)
            md.AppendLine(
                string.Create(
                    c,
                    $"| {v.Variant} | {v.DType} | {v.Steps} | {v.Prompts} | {v.Facts} | {v.TopOverlap10:0.000} "
                        + $"[{v.TopOverlap10Low:0.000}, {v.TopOverlap10High:0.000}] | {v.TopOverlap50:0.000} | "
                        + $"{v.Spearman:0.0000} ({v.SpearmanMin:0.0000}) | {v.KnowledgeNeuronJaccard:0.000} "
                        + $"[{v.KnowledgeNeuronJaccardLow:0.000}, {v.KnowledgeNeuronJaccardHigh:0.000}] | "
                        + $"{v.DknAgreement:P0} | {v.DknFactsReference} / {v.DknFacts} | "
                        + $"{(double.IsNaN(v.DknJaccard) ? "–" : v.DknJaccard.ToString("0.000", c))} | "
                        + $"{v.SecondsPerPrompt:0.0000} | {v.Speedup:0.00}× | {v.Verdict} |"
                )
            );
        md.AppendLine();
        md.AppendLine(string.Join("; ", provenance.Select(p => $"{p.Key}: `{p.Value}`")));
        return md.ToString();
    }
}
