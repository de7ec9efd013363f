namespace MlNetDkn.Metrics.Plots;

/// <summary>A layer-by-neuron heatmap (layer 0 at the bottom), e.g. scores of one prompt or knowledge-neuron counts.</summary>
public static class NeuronHeatmap
{
    public static void Save(double[][] values, string path, string title, string colorbarLabel)
    {
        int layers = values.Length, width = values[0].Length;
        var data = new double[layers, width];
        for (int l = 0; l < layers; l++)
            for (int i = 0; i < width; i++) data[l, i] = values[l][i];
        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.FlipVertically = true;
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap).Label = colorbarLabel;
        plot.Title(title);
        plot.XLabel("neuron index");
        plot.YLabel("layer");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1200, Math.Clamp(120 + 40 * layers, 300, 900));
    }
}
