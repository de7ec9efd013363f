using ScottPlot;

namespace MlNetDkn.Metrics.Plots;

/// <summary>One bar of a grouped bar chart: its group (x), series (colour), value and 95 % interval.</summary>
public sealed record BarValue(string Group, string Series, double Value, double CiLow, double CiHigh, int Count);

/// <summary>
/// The authors' bar layout: one group per perturbation kind, one bar per condition (DKN, knowledge neurons, random,
/// none) in a fixed colour, here with 95 % intervals and the number of facts in the legend.
/// </summary>
public static class ConditionBarsPlot
{
    /// <summary>Saves the bars as a PNG at <paramref name="path"/>.</summary>
    /// <returns><paramref name="path"/>.</returns>
    public static string Save(IReadOnlyList<BarValue> bars, string title, string yLabel, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var groups = bars.Select(b => b.Group).Distinct().ToList();
        var series = bars.Select(b => b.Series).Distinct().ToList();
        for (int s = 0; s < series.Count; s++)
        {
            var color = palette.GetColor(s);
            var (xs, ys, up, down) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (int g = 0; g < groups.Count; g++)
            {
                var bar = bars.FirstOrDefault(b => b.Group == groups[g] && b.Series == series[s]);
                if (bar is null || double.IsNaN(bar.Value))
                    continue;
                double x = g * (series.Count + 1) + s;
                plot.Add.Bar(
                    new Bar
                    {
                        Position = x,
                        Value = bar.Value,
                        FillColor = color,
                    }
                );
                xs.Add(x);
                ys.Add(bar.Value);
                up.Add(double.IsNaN(bar.CiHigh) ? 0 : bar.CiHigh - bar.Value);
                down.Add(double.IsNaN(bar.CiLow) ? 0 : bar.Value - bar.CiLow);
            }
            if (xs.Count > 0)
            {
                var errors = plot.Add.ErrorBar(xs, ys, up);
                errors.YErrorNegative = down;
                errors.Color = Colors.Black;
            }
            int n = bars.Where(b => b.Series == series[s]).Select(b => b.Count).DefaultIfEmpty(0).Max();
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"{series[s]} (n ≤ {n})", FillColor = color });
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            groups.Select((g, i) => new Tick(i * (series.Count + 1) + (series.Count - 1) / 2.0, g)).ToArray()
        );
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right); // outside the data: bars go both ways
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, Math.Max(800, 60 * groups.Count * (series.Count + 1)), 540);
        return path;
    }
}
