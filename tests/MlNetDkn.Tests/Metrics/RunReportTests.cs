using System.Diagnostics;
using MlNetDkn.Facts;
using MlNetDkn.Metrics.Reports;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Pipelines;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;
using SkiaSharp;

namespace MlNetDkn.Tests.Metrics;

/// <summary>
/// The run report: every table the run wrote is in report.md and report.html, the HTML stands alone (images
/// embedded), and a real headless browser renders its images.
/// </summary>
public class RunReportTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    string RunWithReport()
    {
        var folder = SharedPaths.TempDir("report-run");
        var facts = Path.Combine(folder, "facts.parquet");
        new FactDataset(tiny.Dataset.Records.Take(16)).Write(facts);
        var json = $$$"""
            { "name": "report-check", "steps": [
                { "step": "load-facts", "options": { "path": "{{{facts}}}" } },
                { "step": "load-model", "options": { "path": "{{{tiny.Folder}}}" } },
                { "step": "perturb-queries", "options": { "kinds": "replace,delete", "per_fact": 1 } },
                { "step": "evaluate-accuracy" },
                { "step": "attribute-knowledge-neurons", "options": { "steps": 4 } },
                { "step": "find-degenerate-neurons", "options": { "preset": "dkn-authors", "methods": "kmeans" } },
                { "step": "suppress-under-perturbation", "options": { "dkn_method": "kmeans", "random_draws": 2 } },
                { "step": "fact-check", "options": { "dkn_method": "kmeans", "steps": 3 } },
                { "step": "report" } ] }
            """;
        var run = PipelineRunner.RunFile(
            PipelineFiles.Write(json),
            new PipelineRunOptions { Output = Path.Combine(folder, "out") },
            new TextPipelineReporter()
        );
        return run.OutputFolder;
    }

    [Fact]
    public void TheReportHoldsEveryTableAndEmbedsEveryPlot()
    {
        var output = RunWithReport();
        var md = File.ReadAllText(Path.Combine(output, RunReport.MarkdownFile));
        var html = File.ReadAllText(Path.Combine(output, RunReport.HtmlFile));
        var tables = Directory
            .GetFiles(output, "*.csv", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/store/"))
            .ToList();
        Assert.True(tables.Count >= 15, $"{tables.Count} tables");
        foreach (var table in tables)
        {
            var rel = Path.GetRelativePath(output, table).Replace('\\', '/');
            Assert.Contains($"[{rel}]({rel})", md);
            Assert.Contains(Path.GetFileNameWithoutExtension(table), html);
        }
        foreach (
            var section in new[]
            {
                "R1: suppressing DKNs under perturbed queries",
                "R3: fact checking with DKNs",
                "The authors' reported",
            }
        )
            Assert.Contains(section, md);
        // The report opens with its findings, read from the run's own tables, before any section.
        int summary = md.IndexOf("**Summary of findings**", StringComparison.Ordinal);
        Assert.True(
            summary >= 0 && summary < md.IndexOf("R1: suppressing DKNs", StringComparison.Ordinal),
            "summary first"
        );
        var dkn = CsvRows.Read(Path.Combine(output, "dkn", "dkn_summary.csv")).Single();
        Assert.Contains($"- dkn/: KMeans finds a DKN for {dkn["facts_with_dkn"]} of {dkn["facts"]} facts", md);
        Assert.Contains("- r1/: activations: suppressing the DKN", md);
        // No empty plots: a method that found nothing has no degeneracy curve, and the summary says so.
        Assert.Equal(
            int.Parse(dkn["facts_with_dkn"]) > 0,
            File.Exists(Path.Combine(output, "dkn", "degeneracy_curve_kmeans.png"))
        );
        var plots = Directory.GetFiles(output, "*.png", SearchOption.AllDirectories);
        Assert.NotEmpty(plots);
        Assert.Equal(plots.Length, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.DoesNotContain("src=\"r1/", html); // nothing refers to the run folder
    }

    static string Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "no headless browser found: install the Debian package 'chromium' (.ci/run does)"
        );

    /// <summary>A screenshot of the page and how many of its pixels have the plots' first series colour
    /// (#1f77b4).</summary>
    static int PlotPixels(string html, string folder)
    {
        var shot = Path.Combine(folder, $"shot-{Guid.NewGuid():N}.png");
        var info = new ProcessStartInfo(
            Chromium(),
            [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1300,12000",
                $"--screenshot={shot}",
                new Uri(html).AbsoluteUri,
            ]
        )
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the browser did not finish");
        Assert.True(File.Exists(shot), "the browser wrote no screenshot");
        using var bitmap = SKBitmap.Decode(shot);
        int count = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        for (int x = 0; x < bitmap.Width; x += 2)
        {
            var c = bitmap.GetPixel(x, y);
            if (Math.Abs(c.Red - 31) < 12 && Math.Abs(c.Green - 119) < 12 && Math.Abs(c.Blue - 180) < 12)
                count++;
        }
        return count;
    }

    [Fact]
    public void AHeadlessBrowserRendersTheReportsImages()
    {
        var output = RunWithReport();
        var html = Path.Combine(output, RunReport.HtmlFile);
        int withImages = PlotPixels(html, output);
        // The same page with its images taken out: the colour must then be (nearly) absent.
        var stripped = Path.Combine(output, "stripped.html");
        File.WriteAllText(
            stripped,
            System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(html), "<img [^>]*>", "")
        );
        int without = PlotPixels(stripped, output);
        Assert.True(withImages > 500, $"{withImages} plot-coloured pixels rendered");
        Assert.True(without < withImages / 20, $"{without} plot-coloured pixels without images, {withImages} with");
    }
}
