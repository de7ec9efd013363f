using System.Globalization;
using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Tables;

namespace MlNetDkn.Degeneracy;

/// <summary>What the DKN stage writes from its records: the tables and plots of <see cref="DknTables"/>, the numbers
/// for the run's manifest and one console line per method.</summary>
public static class DknStageOutput
{
    /// <summary>How the run-level acquisition table names a DKN stage: its label (folder), preset and check
    /// rule.</summary>
    public static string Definition(DknStageOptions options, string label)
    {
        var check = options.Dkn.Check;
        var rule = check.Strict
            ? $"strict, {check.Measure}, {(check.Prompts == 0 ? "every prompt" : $"{check.Prompts} prompt(s)")}"
            : "lenient (the authors' rule)";
        return $"{label}: {options.Dkn.Preset}, {rule}";
    }

    /// <summary>Writes every table and plot into <paramref name="folder"/>.</summary>
    /// <param name="records">Every fact's DKN record.</param>
    /// <param name="options">The stage's options (the check rule named in the lines).</param>
    /// <param name="label">The stage's label in the acquisition table (its folder).</param>
    /// <param name="folder">Where the files go.</param>
    /// <param name="metadata">Provenance written into every Parquet file.</param>
    public static (IReadOnlyList<string> Files, object Summary, IReadOnlyList<string> Lines) Write(
        IReadOnlyList<DknRecord> records,
        DknStageOptions options,
        string label,
        string folder,
        IReadOnlyDictionary<string, string> metadata
    )
    {
        var files = DknTables.Write(records, folder, metadata, Definition(options, label));
        var metrics = DknMetrics.Compute(records.SelectMany(DknOutcome.From));
        var recheck = options.Dkn.Check.Strict ? DknRecheck.BothHalves : DknRecheck.ComponentsOnly;
        var lines = metrics
            .Methods.Select(m =>
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{m.Method}: {m.FactsWithDkn} of {m.Facts} facts have a DKN ({m.SingleComponentSets} "
                        + $"one-component sets counted apart); re-checked by full recomputation ({recheck}): "
                        + $"{m.RecheckHolds} of {m.Rechecked} hold"
                ) + Rejected(m)
            )
            .ToList();
        return (files, new { metrics.Methods }, lines);
    }

    static string Rejected(DknMethodMetrics m) =>
        m.Rejections.Count == 0
            ? ""
            : $"; rejected: {string.Join(", ", m.Rejections.Select(r => $"{r.Key} {r.Value}"))}";
}
