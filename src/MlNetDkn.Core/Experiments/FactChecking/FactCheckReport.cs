namespace MlNetDkn.Experiments.FactChecking;

/// <summary>r3_report.md: splits, thresholds and every detector's metrics, with what differs from the authors'
/// protocol.</summary>
internal static class FactCheckReport
{
    public static string Markdown(
        IReadOnlyList<FactCheckMetricsRow> rows,
        IReadOnlyList<FactCheckRecord> records,
        FactCheckOptions options
    )
    {
        static string F(double v) =>
            double.IsNaN(v) ? "–" : v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        var s = new System.Text.StringBuilder();
        s.AppendLine("## R3: fact checking with DKNs").AppendLine();
        s.AppendLine(
                "**Finding** (unit: test fact, its true and false statement averaged; accuracy with a 95 % Wilson "
                    + "interval over facts): "
                    + Finding(rows)
            )
            .AppendLine();
        var counts = records.GroupBy(r => r.Split).ToDictionary(g => g.Key, g => g.Count());
        s.AppendLine(
                $"Splits by {(options.AuthorsTestShare > 0
                    ? $"fact, {options.AuthorsTestShare:P0} per relation tested (the authors')"
                    : "entity (subject)")}: "
                    + $"train {counts.GetValueOrDefault(FactCheckSplits.Train)}, validation "
                    + $"{counts.GetValueOrDefault(FactCheckSplits.Validation)}, test "
                    + $"{counts.GetValueOrDefault(FactCheckSplits.Test)} facts; "
                    + "each test fact gives one true and one false statement. Thresholds: "
                    + (
                        options.Threshold == ThresholdRule.AuthorsFixed
                            ? "the authors' τ_DKN / τ_KN for dkn / kn, the others fitted on validation."
                            : "fitted on validation by one rule for every detector."
                    )
            )
            .AppendLine();
        s.AppendLine(
            "| detector | true when | AUC | AUPRC | accuracy [95 % CI over facts] | precision | recall | F1 | "
                + "authors' micro P / R / F1 | scored |"
        );
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            s.AppendLine(
                $"| {r.Detector} | {(r.Direction > 0 ? "≥" : "≤")} {r.Threshold:G3} | {F(r.Auc)} | {F(r.Auprc)} | "
                    + $"{F(r.Accuracy)} [{F(r.AccuracyCiLow)}, {F(r.AccuracyCiHigh)}] | {F(r.Precision)} | "
                    + $"{F(r.Recall)} | {F(r.F1)} | {F(r.AuthorsPrecision)} / {F(r.AuthorsRecall)} / "
                    + $"{F(r.AuthorsF1)} | {r.Scored}/{r.Statements} |"
            );
        s.AppendLine()
            .AppendLine(
                $"What differs in protocol: {Metrics.Reports.AuthorsReported.FactCheckProtocol} Here the splits "
                    + $"are entity-disjoint, "
                    + "every detector's threshold comes from the same rule on a validation split, and the model's "
                    + "own answer probability "
                    + "and logit margin and a matched random neuron set are the baselines."
            )
            .AppendLine();
        return s.ToString();
    }

    static string Finding(IReadOnlyList<FactCheckMetricsRow> rows)
    {
        static string P(FactCheckMetricsRow r) =>
            string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{100 * r.Accuracy:0.#} % [{100 * r.AccuracyCiLow:0.#}, {100 * r.AccuracyCiHigh:0.#}]"
            );
        static string A(FactCheckMetricsRow r) => $"{r.Detector} {P(r)}";
        var dkn = rows.FirstOrDefault(r => r.Detector == "dkn");
        if (dkn is null || double.IsNaN(dkn.Accuracy))
            return "no DKN detector could be scored, so R3 has no DKN finding.";
        var others = rows.Where(r => r.Detector != "dkn" && !double.IsNaN(r.Accuracy)).Select(A);
        return $"the DKN detector is right on {P(dkn)} of {dkn.AccuracyFacts} test facts; "
            + string.Join(", ", others)
            + " (overlapping intervals are not a difference).";
    }
}
