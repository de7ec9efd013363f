using System.Text.RegularExpressions;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Architecture;

/// <summary>The layers depend one way: Core knows nothing of ML.NET or the command line, and Metrics (tables, plots,
/// statistics) nothing of the pipelines built on top of it.</summary>
public class DependencyRulesTests
{
    static readonly string[] MlNetAssemblies =
    [
        "Microsoft.ML",
        "Microsoft.ML.Core",
        "Microsoft.ML.Data",
        "Microsoft.ML.StandardTrainers",
        "Microsoft.ML.Transforms",
    ];

    [Fact]
    public void CoreReferencesNeitherMlNetNorTheAdaptersNorTheCommandLine()
    {
        var references = typeof(MlNetDkn.Facts.FactDataset)
            .Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .ToList();
        Assert.Contains("TorchSharp", references); // the check reads the real reference list
        foreach (var forbidden in MlNetAssemblies.Concat(["MlNetDkn.ML", "dkn", "Spectre.Console.Cli"]))
            Assert.DoesNotContain(forbidden, references);
    }

    [Fact]
    public void TheMlNetAdaptersDoNotReferenceTheCommandLine()
    {
        var references = typeof(MlNetDkn.ML.KnowledgeNeuronsCatalog)
            .Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .ToList();
        Assert.Contains("MlNetDkn.Core", references);
        Assert.DoesNotContain("dkn", references);
        Assert.DoesNotContain("Spectre.Console.Cli", references);
    }

    [Fact]
    public void MetricsNamesNoPipelineType()
    {
        var folder = Path.Combine(SharedPaths.RepoRoot, "src", "MlNetDkn.Core", "Metrics");
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var offenders = files
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"\bPipelines\.|using MlNetDkn\.Pipelines"))
            .Select(f => Path.GetRelativePath(folder, f))
            .ToList();
        Assert.Empty(offenders);
    }
}
