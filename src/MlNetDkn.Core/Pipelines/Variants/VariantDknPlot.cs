using MlNetDkn.Metrics;
using ScottPlot;

namespace MlNetDkn.Pipelines.Variants;

/// <summary>
/// Per DKN step of a sweep, the share of facts with a DKN for each variant (groups) and method (bars), with a
/// 95 % Wilson interval over the facts: which training design and which method give DKNs, at a glance.
/// </summary>
public static class VariantDknPlot
{
    /// <summary>One PNG per DKN step (variants_&lt;step&gt;.png); none when no variant has a DKN step yet.</summary>
    public static IReadOnlyList<string> Save(
        IReadOnlyList<string> variants,
        IReadOnlyList<VariantValue> values,
        string folder
    )
    {
        var shares = values
            .Where(v =>
                v.Key.StartsWith("methods.", StringComparison.Ordinal)
                && v.Key.EndsWith(".facts_with_dkn", StringComparison.Ordinal)
            )
            .Select(v =>
                (
                    v.Variant,
                    v.Section,
                    Method: v.Key.Split('.')[1],
                    Found: v.Value,
                    Facts: values
                        .FirstOrDefault(x =>
                            x.Variant == v.Variant
                            && x.Section == v.Section
                            && x.Key == $"methods.{v.Key.Split('.')[1]}.facts"
                        )
                        ?.Value
                        ?? double.NaN
                )
            )
            .ToList();
        var files = new List<string>();
        foreach (var step in shares.GroupBy(s => s.Section))
        {
            var methods = step.Select(s => s.Method).Distinct().Order(StringComparer.Ordinal).ToList();
            var plot = new Plot();
            var palette = new ScottPlot.Palettes.Category10();
            for (int m = 0; m < methods.Count; m++)
            {
                var color = palette.GetColor(m);
                var (xs, ys, up, down) = (
                    new List<double>(),
                    new List<double>(),
                    new List<double>(),
                    new List<double>()
                );
                for (int v = 0; v < variants.Count; v++)
                {
                    var point = step.FirstOrDefault(s => s.Variant == variants[v] && s.Method == methods[m]);
                    if (point.Variant is null || !(point.Facts > 0))
                        continue;
                    var p = Proportion.Of((int)point.Found, (int)point.Facts);
                    double share = p.Share,
                        low = p.CiLow,
                        high = p.CiHigh;
                    double x = v * (methods.Count + 1) + m;
                    plot.Add.Bar(
                        new Bar
                        {
                            Position = x,
                            Value = 100 * share,
                            FillColor = color,
                        }
                    );
                    xs.Add(x);
                    ys.Add(100 * share);
                    up.Add(100 * (high - share));
                    down.Add(100 * (share - low));
                }
                if (xs.Count > 0)
                {
                    var errors = plot.Add.ErrorBar(xs, ys, up);
                    errors.YErrorNegative = down;
                    errors.Color = Colors.Black;
                }
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = methods[m], FillColor = color });
            }
            var ticks = variants
                .Select((v, i) => new Tick(i * (methods.Count + 1) + (methods.Count - 1) / 2.0, v))
                .ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
            if (variants.Count > 4 || variants.Any(v => v.Length > 12))
            {
                // Long variant names, slanted so they do not overlap, with room below the axis for them.
                plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
                plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
                plot.Axes.Bottom.MinimumSize = 6 * variants.Max(v => v.Length) + 10;
            }
            plot.Axes.Margins(bottom: 0);
            plot.Title($"Facts with a DKN per variant: {step.Key}");
            plot.YLabel("facts with a DKN (%), 95 % Wilson interval");
            plot.ShowLegend(Alignment.UpperRight);
            var path = Path.Combine(folder, $"variants_{step.Key.Replace('/', '_')}.png");
            plot.SavePng(
                path,
                Math.Max(700, 90 * variants.Count * (methods.Count + 1) / 2),
                520 + (int)plot.Axes.Bottom.MinimumSize
            );
            files.Add(path);
        }
        return files;
    }
}
