using ScottPlot;

namespace MlNetDkn.Metrics.Plots;

/// <summary>
/// The degeneracy curve per method: for DKNs of each size n, the mean relative change (P_after − P0)/P0 against the
/// number of components suppressed together (n = the whole DKN), with 95 % intervals over facts and the fact count
/// in the legend. A DKN behaves as the definition says when the line stays near 0 until it drops at n.
/// </summary>
public static class DegeneracyCurvePlot
{
    /// <summary>One PNG per method that found a DKN (degeneracy_curve_{method}.png); a method with none gets no empty
    /// plot (its summary row says so). A stale plot of an earlier run of the folder is removed.</summary>
    public static IReadOnlyList<string> SavePerMethod(
        IReadOnlyList<DegeneracyCurvePoint> curve,
        IEnumerable<string> methods,
        string folder
    )
    {
        var files = new List<string>();
        foreach (var method in methods)
        {
            var path = Path.Combine(folder, $"degeneracy_curve_{method.ToLowerInvariant()}.png");
            var points = curve.Where(p => p.Method == method).ToList();
            if (points.Count == 0)
            {
                if (File.Exists(path))
                    File.Delete(path);
                continue;
            }
            Save(method, points, path);
            files.Add(path);
        }
        return files;
    }

    /// <summary>Saves one method's curve as a PNG at <paramref name="path"/>, one line per DKN size.</summary>
    public static void Save(string method, IReadOnlyList<DegeneracyCurvePoint> points, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        foreach (var size in points.GroupBy(p => p.Components).OrderBy(g => g.Key))
        {
            var line = size.OrderBy(p => p.Suppressed).ToList();
            var xs = line.Select(p => (double)p.Suppressed).ToArray();
            var ys = line.Select(p => p.MeanChange).ToArray();
            var color = palette.GetColor(colour++);
            var scatter = plot.Add.Scatter(xs, ys, color);
            scatter.LegendText = $"n = {size.Key} ({line.Max(p => p.Facts)} facts)";
            var errors = plot.Add.ErrorBar(
                xs,
                ys,
                line.Select(p => double.IsNaN(p.CiHigh) ? 0 : p.CiHigh - p.MeanChange).ToArray()
            );
            errors.Color = color;
        }
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        plot.Title($"Degeneracy curve: {method}");
        // Components are counted: whole numbers only.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.XLabel("components suppressed together (n = whole DKN)");
        plot.YLabel("mean (P_after − P0) / P0, 95 % CI over facts");
        plot.ShowLegend(Alignment.LowerLeft);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 560);
    }
}
