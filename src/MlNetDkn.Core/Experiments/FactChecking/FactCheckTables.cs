using System.Globalization;
using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Plots;

namespace MlNetDkn.Experiments.FactChecking;

/// <summary>What the R3 stage writes from its results: each detector's test-split metrics
/// (<c>fact_check_metrics</c>), every scored statement (<c>fact_check_statements</c>), the neuron sets per relation
/// (<c>fact_check_sets</c>), a plot, the report section and the console lines.</summary>
public static class FactCheckTables
{
    /// <summary>Writes every table, the plot and the report into <paramref name="folder"/>.</summary>
    /// <param name="rows">Each detector's metrics on the test split.</param>
    /// <param name="records">Every fact's fact-check record.</param>
    /// <param name="sets">The neuron sets per relation the detectors read.</param>
    /// <param name="options">The experiment's options.</param>
    /// <param name="folder">Where the files go.</param>
    /// <param name="metadata">Provenance written into every Parquet file.</param>
    /// <returns>The files written, the numbers for the run's manifest and the console lines.</returns>
    public static (IReadOnlyList<string> Files, object Summary, IReadOnlyList<string> Lines) Write(
        IReadOnlyList<FactCheckMetricsRow> rows,
        IReadOnlyList<FactCheckRecord> records,
        IReadOnlyList<RelationSets> sets,
        FactCheckOptions options,
        string folder,
        IReadOnlyDictionary<string, string> metadata
    )
    {
        var files = new List<string>();
        void Add((string Parquet, string Csv) p) => files.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(rows, folder, "fact_check_metrics", metadata));
        var statements = records
            .Where(r => r.True is not null && r.False is not null)
            .SelectMany(r => new[] { (r, true, r.True!), (r, false, r.False!) })
            .Select(x => new FactCheckStatementRow
            {
                FactId = x.r.FactId,
                RelationId = x.r.RelationId,
                Subject = x.r.Subject,
                Split = x.r.Split,
                Prompt = x.r.Prompt,
                Answer = x.Item3.Answer,
                IsTrue = x.Item2,
                Scores = string.Join(
                    ";",
                    x.Item3.Scores.Select(kv => $"{kv.Key}={kv.Value.ToString("R", CultureInfo.InvariantCulture)}")
                ),
            })
            .ToList();
        Add(MetricTableRecords.WriteRecords(statements, folder, "fact_check_statements", metadata));
        Add(
            MetricTableRecords.WriteRecords(
                sets.Select(s => new
                    {
                        s.RelationId,
                        s.TrainingFacts,
                        DknNeurons = s.Dkn.Length,
                        KnowledgeNeurons = s.KnowledgeNeurons.Length,
                        RandomNeurons = s.Random.Length,
                        Dkn = string.Join(";", s.Dkn),
                        Kn = string.Join(";", s.KnowledgeNeurons),
                    })
                    .ToList(),
                folder,
                "fact_check_sets",
                metadata
            )
        );
        files.Add(
            ConditionBarsPlot.Save(
                rows.SelectMany(r =>
                        new[]
                        {
                            new BarValue(
                                "accuracy",
                                r.Detector,
                                100 * r.Accuracy,
                                100 * r.AccuracyCiLow,
                                100 * r.AccuracyCiHigh,
                                r.Scored
                            ),
                            new BarValue("AUC", r.Detector, 100 * r.Auc, double.NaN, double.NaN, r.Scored),
                        }
                    )
                    .ToList(),
                "R3: fact checking on the test split",
                "% (accuracy with 95 % Wilson CI; AUC)",
                Path.Combine(folder, "fact_check.png")
            )
        );
        var report = Path.Combine(folder, "r3_report.md");
        File.WriteAllText(report, FactCheckReport.Markdown(rows, records, options));
        files.Add(report);
        var lines = rows.Select(r =>
                r.Undefined.Length > 0
                    ? $"{r.Detector}: metrics undefined (NaN): {r.Undefined}"
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"{r.Detector}: AUC {r.Auc:0.000}, accuracy {r.Accuracy:0.000} [{r.AccuracyCiLow:0.000}, "
                            + $"{r.AccuracyCiHigh:0.000}] at {(r.Direction > 0 ? "≥" : "≤")} {r.Threshold:G3}, F1 "
                            + $"{r.F1:0.000} ({r.Scored} of {r.Statements} test statements scored)"
                    )
            )
            .ToList();
        var numbers = new
        {
            Metrics = rows,
            Sets = sets.Select(s => new
            {
                s.RelationId,
                Dkn = s.Dkn.Length,
                Kn = s.KnowledgeNeurons.Length,
            }),
        };
        return (files, numbers, lines);
    }
}
