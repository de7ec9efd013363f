using MlNetDkn.Metrics.Reports;

namespace MlNetDkn.Pipelines.Steps;

/// <summary>`report`: report.md and a self-contained report.html of everything the run wrote (see
/// <see cref="RunReport"/>).</summary>
public sealed class ReportStep : IFinalStep
{
    /// <inheritdoc/>
    public string Name => "report";

    /// <inheritdoc/>
    public string Description =>
        "Write report.md and a self-contained report.html of every table and plot of the run, beside the authors' "
        + "numbers.";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Needs => [];

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Provides => [];

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, OptionSpec> Options { get; } = StepSettings.Specs<ReportSettings>();

    /// <inheritdoc/>
    public void Run(PipelineContext context, ResolvedOptions options)
    {
        context.Manifest.Save(context.OutputFolder);
        var (md, html) = RunReport.Write(context.OutputFolder);
        context.RecordOutput("report", md);
        context.RecordOutput("report_html", html);
        context.Reporter.Info($"  report -> {context.Relative(md)}, {context.Relative(html)}");
    }
}

/// <summary>The options of <see cref="ReportStep"/>: none.</summary>
public sealed record ReportSettings;
