using System.Diagnostics;
using System.Text.RegularExpressions;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;

namespace MlNetDkn.Tests.Packaging;

/// <summary>
/// As a new user would: pack MlNetDkn.Core and MlNetDkn.ML into a local feed, create a fresh console app outside the
/// repository, add the package, and run the README's ML.NET program as written, followed by the usual ML.NET flows
/// (a trainer on the output columns, Evaluate, save and load, prediction engines, cancellation). Nothing else is
/// installed or configured: the package's buildTransitive targets make TorchSharp load in the app's own output.
/// </summary>
public class ConsumerAppTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    const string MoreFlows = """

        // ---- the usual ML.NET flows, on the same facts ----
        var labelled = ml.Transforms
            .CustomMapping<RelationRow, LabelRow>((r, l) => l.Label = r.RelationId == "birthplace", contractName: null)
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(
                labelColumnName: "Label", featureColumnName: "features", maximumNumberOfIterations: 20));
        var scored = labelled.Fit(results).Transform(results);
        Console.WriteLine($"trainer auc {ml.BinaryClassification.Evaluate(scored).AreaUnderRocCurve:0.000}");

        using var loaded = kn.Load("runs/csharp/pipeline.zip", out var savedSchema);
        var again = loaded.Transform(facts);
        var countsEqual = again.GetColumn<float>(KnowledgeNeuronColumns.KnowledgeNeuronCount)
            .SequenceEqual(results.GetColumn<float>(KnowledgeNeuronColumns.KnowledgeNeuronCount));
        Console.WriteLine($"loaded counts equal {countsEqual}");
        var one = facts.GetColumn<string>("fact_id").First();
        var prompts = facts.GetColumn<string[]>("prompts").First();
        var answer = facts.GetColumn<string>("answer").First();
        var relation = facts.GetColumn<string>("relation_id").First();
        using (var engine = ml.Model.CreatePredictionEngine<FactRow, NeuronRow>(loaded))
        {
            var row = new FactRow { FactId = one, RelationId = relation, Answer = answer, Prompts = prompts };
            Console.WriteLine($"engine neurons {engine.Predict(row).Neurons.Length}");
        }
        Console.WriteLine($"after the engine "
            + $"{loaded.Transform(facts).GetColumn<float>(KnowledgeNeuronColumns.KnowledgeNeuronCount).Count()} rows");

        using var stop = new CancellationTokenSource();
        stop.Cancel();
        using var stopped = kn.AttributeKnowledgeNeurons(new MlNetDkn.ML.Attribution.KnowledgeNeuronStageOptions
            { ModelPath = modelPath, Folder = "runs/csharp/cancelled", CancellationToken = stop.Token }).Fit(facts);
        try { stopped.Attribute(facts); Console.WriteLine("not cancelled"); }
        catch (OperationCanceledException) { Console.WriteLine("cancelled as asked"); }

        public sealed class RelationRow
        {
            [Microsoft.ML.Data.ColumnName("relation_id")] public string RelationId { get; set; } = "";
        }
        public sealed class LabelRow { public bool Label { get; set; } }
        public sealed class FactRow
        {
            [Microsoft.ML.Data.ColumnName("fact_id")] public string FactId { get; set; } = "";
            [Microsoft.ML.Data.ColumnName("relation_id")] public string RelationId { get; set; } = "";
            [Microsoft.ML.Data.ColumnName("answer")] public string Answer { get; set; } = "";
            [Microsoft.ML.Data.ColumnName("prompts")] public string[] Prompts { get; set; } = [];
        }
        public sealed class NeuronRow
        {
            [Microsoft.ML.Data.ColumnName("knowledge_neurons")] public string[] Neurons { get; set; } = [];
        }
        """;

    [Fact]
    public void AFreshConsoleAppRunsTheReadmeProgramFromThePackedPackages()
    {
        var root = SharedPaths.TempDir("consumer");
        var feed = Path.Combine(root, "feed");
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        foreach (var project in new[] { "src/MlNetDkn.Core", "src/MlNetDkn.ML" })
            Run(
                SharedPaths.RepoRoot,
                "dotnet",
                "pack",
                project,
                "-c",
                "Release",
                "-o",
                feed,
                $"-p:Version={version}",
                "--nologo"
            );

        var app = Path.Combine(root, "app");
        Directory.CreateDirectory(app);
        Run(app, "dotnet", "new", "console", "--force", "-n", "App", "-o", ".");
        // The README's steps: the feed's absolute path recorded in the app's own nuget.config.
        Run(app, "dotnet", "new", "nugetconfig");
        Run(app, "dotnet", "nuget", "add", "source", feed, "--name", "mlnetdkn", "--configfile", "nuget.config");
        Run(app, "dotnet", "add", "package", "MlNetDkn.ML", "--version", version);
        Run(app, "dotnet", "restore", "--force"); // a later restore finds the feed again

        var quickstart = Path.Combine(app, "runs", "quickstart");
        Directory.CreateDirectory(Path.Combine(quickstart, "model"));
        foreach (var file in Directory.GetFiles(tiny.Folder))
            File.Copy(file, Path.Combine(quickstart, "model", Path.GetFileName(file)));
        tiny.Dataset.Write(Path.Combine(quickstart, "facts.parquet"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeSnippet() + MoreFlows);
        // for the extra flows only
        File.WriteAllText(Path.Combine(app, "MoreUsings.cs"), "global using Microsoft.ML.Data;\n");

        var stdout = Run(app, "dotnet", "run");
        Assert.Contains("40 facts,", stdout);
        Assert.Matches(@"Ntc: \d+ of 40 facts have a DKN", stdout);
        Assert.Matches(@"\d+ \(fact, knowledge neuron\) rows", stdout);
        var auc = double.Parse(
            Regex.Match(stdout, @"trainer auc ([0-9.]+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture
        );
        Assert.True(auc > 0.8, $"AUC {auc}");
        Assert.Contains("loaded counts equal True", stdout);
        Assert.Matches(@"engine neurons [1-9]", stdout);
        Assert.Contains("after the engine 40 rows", stdout);
        Assert.Contains("cancelled as asked", stdout);
        Assert.True(File.Exists(Path.Combine(app, "runs", "csharp", "results.parquet")));

        // The README's package steps name these commands, with the feed as an absolute path.
        var readme = File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, "README.md"));
        Assert.Contains("FEED=\"$PWD/feed\"", readme);
        Assert.Contains("dotnet nuget add source \"$FEED\" --name mlnetdkn --configfile nuget.config", readme);
        Assert.Contains("dotnet tool install --global MlNetDkn.Cli --add-source \"$FEED\"", readme);
    }

    /// <summary>The C# program between the snippet markers of README.md, exactly as the README shows it.</summary>
    static string ReadmeSnippet()
    {
        var readme = File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, "README.md"));
        var match = Regex.Match(
            readme,
            @"<!-- snippet:ml -->\s*```csharp\n(.*?)```\s*<!-- /snippet:ml -->",
            RegexOptions.Singleline
        );
        Assert.True(match.Success, "README.md has the ML.NET snippet between its markers");
        return match.Groups[1].Value;
    }

    static string Run(string folder, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(600_000), $"{file} {string.Join(' ', args)} timed out");
        Assert.True(
            process.ExitCode == 0,
            $"{file} {string.Join(' ', args)} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}"
        );
        return stdout.Result;
    }
}
