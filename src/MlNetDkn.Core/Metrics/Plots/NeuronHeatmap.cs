namespace MlNetDkn.Metrics.Plots;

/// <summary>A layer-by-neuron heatmap (layer 0 at the bottom), e.g. scores of one prompt or knowledge-neuron
/// counts.</summary>
public static class NeuronHeatmap
{
    /// <summary>Saves <paramref name="values"/> ([layer][neuron]) as a PNG heatmap at <paramref
    /// name="path"/>.</summary>
    public static void Save(double[][] values, string path, string title, string colorbarLabel)
    {
        int layers = values.Length,
            width = values[0].Length;
        var data = new double[layers, width];
        for (int l = 0; l < layers; l++)
        for (int i = 0; i < width; i++)
            data[l, i] = values[l][i];
        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.FlipVertically = true;
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap).Label = colorbarLabel;
        plot.Title(title);
        plot.XLabel("neuron index");
        plot.YLabel("layer");
        // One tick per layer (at most 16 labelled), never between layers.
        int every = Math.Max(1, (int)Math.Ceiling(layers / 16.0));
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, layers).Where(l => l % every == 0).Select(l => (double)l).ToArray(),
            Enumerable
                .Range(0, layers)
                .Where(l => l % every == 0)
                .Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ToArray()
        );
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1200, Math.Clamp(120 + 40 * layers, 300, 900));
    }
}
