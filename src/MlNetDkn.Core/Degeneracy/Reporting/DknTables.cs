using MlNetDkn.Metrics;
using ScottPlot;

namespace MlNetDkn.Degeneracy.Reporting;

public sealed class DknFactRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public string Method { get; init; } = "";
    public double BaselineProbability { get; init; }
    public int KnowledgeNeurons { get; init; }
    public int Candidates { get; init; }
    public int Components { get; init; }
    public bool IsDkn { get; init; }
    public double JointDrop { get; init; }
    public string ComponentList { get; init; } = "";
}

public sealed class DegeneracyCurveRow
{
    public string Method { get; init; } = "";
    /// <summary>Number of suppressed components.</summary>
    public int Suppressed { get; init; }
    /// <summary>Mean relative probability change (P_after − P0)/P0 over facts and subsets of that size.</summary>
    public double MeanChange { get; init; }
    public int Measurements { get; init; }
    public int Facts { get; init; }
}

public sealed class DknMethodSummaryRow
{
    public string Method { get; init; } = "";
    public int Facts { get; init; }
    public int FactsWithDkn { get; init; }
    public double MeanComponents { get; init; }
    public double MeanSubsetChange { get; init; }
    public double MeanFullChange { get; init; }
}

/// <summary>Tables and the degeneracy plot of a DKN run over a dataset.</summary>
public static class DknTables
{
    public static IReadOnlyList<string> Write(IReadOnlyList<DknRecord> records, string folder, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var factRows = records.SelectMany(r => r.Methods.Select(m => new DknFactRow
        {
            FactId = r.FactId, RelationId = r.RelationId, Method = m.Method, BaselineProbability = r.BaselineProbability,
            KnowledgeNeurons = r.KnowledgeNeurons.Length, Candidates = m.Candidates.Length, Components = m.Components.Length,
            IsDkn = m.IsDkn, JointDrop = m.JointDrop ?? double.NaN,
            ComponentList = string.Join(" | ", m.Components.Select(c => string.Join(";", c))),
        })).ToList();
        var curve = Curve(records);
        var summary = records.SelectMany(r => r.Methods).GroupBy(m => m.Method).Select(g => new DknMethodSummaryRow
        {
            Method = g.Key, Facts = g.Count(), FactsWithDkn = g.Count(m => m.IsDkn),
            MeanComponents = g.Where(m => m.IsDkn).Select(m => (double)m.Components.Length).DefaultIfEmpty(double.NaN).Average(),
            MeanSubsetChange = g.SelectMany(m => m.Subsets).Select(s => -s.RelativeDrop).DefaultIfEmpty(double.NaN).Average(),
            MeanFullChange = g.Where(m => m.FullSetDrop.HasValue).Select(m => -m.FullSetDrop!.Value).DefaultIfEmpty(double.NaN).Average(),
        }).OrderBy(r => r.Method, StringComparer.Ordinal).ToList();

        var written = new List<string>();
        void Add((string Parquet, string Csv) p) => written.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(factRows, folder, "dkn_facts", metadata));
        Add(MetricTableRecords.WriteRecords(curve, folder, "degeneracy_curve", metadata));
        Add(MetricTableRecords.WriteRecords(summary, folder, "dkn_summary", metadata));
        var plot = Path.Combine(folder, "degeneracy_curve.png");
        PlotCurve(curve, plot);
        written.Add(plot);
        return written;
    }

    /// <summary>Mean relative change against the number of suppressed components, per method (full set included).</summary>
    public static List<DegeneracyCurveRow> Curve(IReadOnlyList<DknRecord> records) =>
        records.SelectMany(r => r.Methods.Where(m => m.FullSetDrop.HasValue).SelectMany(m =>
                m.Subsets.Select(s => (m.Method, r.FactId, Size: s.Size, Change: -s.RelativeDrop))
                    .Append((m.Method, r.FactId, Size: m.Components.Length, Change: -m.FullSetDrop!.Value))))
            .GroupBy(x => (x.Method, x.Size))
            .Select(g => new DegeneracyCurveRow
            {
                Method = g.Key.Method, Suppressed = g.Key.Size, MeanChange = g.Average(x => x.Change),
                Measurements = g.Count(), Facts = g.Select(x => x.FactId).Distinct().Count(),
            })
            .OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Suppressed).ToList();

    static void PlotCurve(IReadOnlyList<DegeneracyCurveRow> curve, string path)
    {
        var plot = new Plot();
        foreach (var method in curve.GroupBy(r => r.Method))
        {
            var points = method.OrderBy(r => r.Suppressed).ToList();
            var line = plot.Add.Scatter(points.Select(p => (double)p.Suppressed).ToArray(), points.Select(p => p.MeanChange).ToArray());
            line.LegendText = method.Key;
        }
        plot.Title("Probability change vs suppressed components");
        plot.XLabel("suppressed components");
        plot.YLabel("mean (P_after − P0) / P0");
        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 560);
    }
}
