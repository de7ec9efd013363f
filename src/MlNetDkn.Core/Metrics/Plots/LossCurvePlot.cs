using MlNetDkn.Training;
using ScottPlot;

namespace MlNetDkn.Metrics.Plots;

/// <summary>PNG of the per-step training loss (log scale) with the full-evaluation accuracies on a second
/// axis.</summary>
public static class LossCurvePlot
{
    /// <summary>Saves the log's loss curve as a PNG of <paramref name="width"/> × <paramref name="height"/> pixels at
    /// <paramref name="path"/>.</summary>
    public static void Save(TrainingLog log, string path, int width = 900, int height = 500)
    {
        var plot = new Plot();
        var steps = Enumerable.Range(1, log.StepLosses.Count).Select(i => (double)i).ToArray();
        var losses = log.StepLosses.Select(l => Math.Log10(Math.Max(l, 1e-8))).ToArray();
        var line = plot.Add.ScatterLine(steps, losses);
        line.LegendText = "loss (log10)";
        line.LineWidth = 1;

        int stepsPerEpoch = log.Epochs.Count == 0 ? 1 : log.StepLosses.Count / log.Epochs.Count;
        var evaluated = log.Epochs.Where(e => e.TrainAccuracy is not null).ToList();
        if (evaluated.Count > 0)
        {
            var xs = evaluated.Select(e => (double)e.Epoch * stepsPerEpoch).ToArray();
            AddAccuracy(plot, xs, evaluated.Select(e => e.TrainAccuracy!.Value).ToArray(), "train accuracy");
            var held = evaluated.Where(e => e.HeldoutAccuracy is double h && !double.IsNaN(h)).ToList();
            if (held.Count > 0)
                AddAccuracy(
                    plot,
                    held.Select(e => (double)e.Epoch * stepsPerEpoch).ToArray(),
                    held.Select(e => e.HeldoutAccuracy!.Value).ToArray(),
                    "held-out accuracy"
                );
            plot.Axes.Right.Label.Text = "top-1 accuracy";
            plot.Axes.SetLimitsY(0, 1.05, plot.Axes.Right);
        }
        plot.Title($"Fact model training ({log.TrainingExamples:N0} prompts, seed {log.Seed})");
        plot.XLabel("optimiser step");
        plot.YLabel("log10 loss");
        plot.ShowLegend(Alignment.LowerLeft); // the accuracies end top right
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }

    static void AddAccuracy(Plot plot, double[] xs, double[] ys, string label)
    {
        var scatter = plot.Add.Scatter(xs, ys);
        scatter.Axes.YAxis = plot.Axes.Right;
        scatter.LegendText = label;
    }
}
