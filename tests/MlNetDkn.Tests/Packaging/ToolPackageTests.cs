using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Packaging;

/// <summary>
/// As a user would: pack MlNetDkn.Core, MlNetDkn.ML and the MlNetDkn.Cli tool at the version of Directory.Build.props
/// into a local feed, check each package's metadata, install the tool from the feed into a fresh tool path (with an
/// empty NuGet package folder, so nothing cached from another build is used) and run the installed `dkn` from
/// another folder: the version, the help, a dataset verb, and a verb that loads TorchSharp's native library.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public void TheInstalledToolRunsAndPrintsTheOneVersion()
    {
        var version = ProjectVersion.FromProps();
        var root = SharedPaths.TempDir("tool");
        var feed = Path.Combine(root, "feed");
        foreach (var project in new[] { "src/MlNetDkn.Core", "src/MlNetDkn.ML", "src/MlNetDkn.Cli" })
            Run(SharedPaths.RepoRoot, null, "dotnet", "pack", project, "-c", "Release", "-o", feed, "--nologo");

        foreach (var id in new[] { "MlNetDkn.Core", "MlNetDkn.ML", "MlNetDkn.Cli" })
        {
            var package = Path.Combine(feed, $"{id}.{version}.nupkg");
            Assert.True(File.Exists(package), $"{package} packed at the version of Directory.Build.props");
            using var zip = ZipFile.OpenRead(package);
            var nuspec = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open());
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal(version, metadata.Element(ns + "version")!.Value);
            Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
            Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
            var repository = metadata.Element(ns + "repository")!;
            Assert.Equal("git", repository.Attribute("type")!.Value);
            Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")!.Value);
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("NOTICE", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Contains("README.md", entries);
            if (id == "MlNetDkn.Cli")
            {
                Assert.Contains(
                    "DotnetTool",
                    metadata.Element(ns + "packageTypes")!.Elements().Select(e => e.Attribute("name")!.Value)
                );
                Assert.Contains("tools/net10.0/linux-x64/libLibTorchSharp.so", entries);
            }
            else
            {
                Assert.Contains($"lib/net10.0/{id}.xml", entries); // XML docs for IntelliSense
                if (id == "MlNetDkn.ML")
                {
                    var dependency = metadata
                        .Descendants(ns + "dependency")
                        .Single(d => d.Attribute("id")!.Value == "MlNetDkn.Core");
                    Assert.Equal(version, dependency.Attribute("version")!.Value);
                }
            }
        }

        // Only the local feed: the tool package holds everything it needs.
        var config = Path.Combine(root, "nuget.config");
        File.WriteAllText(
            config,
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{feed}" /></packageSources></configuration>
            """
        );
        var tools = Path.Combine(root, "tools");
        var install = Run(
            root,
            Path.Combine(root, "packages"),
            "dotnet",
            "tool",
            "install",
            "--tool-path",
            tools,
            "MlNetDkn.Cli",
            "--version",
            version,
            "--configfile",
            config
        );
        Assert.Contains(version, install);

        var dkn = Path.Combine(tools, "dkn");
        Assert.True(File.Exists(dkn), "the tool path has a dkn command");
        var work = Path.Combine(root, "elsewhere");
        Directory.CreateDirectory(work);
        Assert.Equal(version, Run(work, null, dkn, "--version").Trim());
        Assert.Equal(version, Run(work, null, dkn, "run", "--version").Trim());
        var help = Run(work, null, dkn, "--help");
        Assert.Contains("USAGE:", help);
        Assert.Contains("--version", help);
        foreach (var verb in new[] { "inspect", "datasets", "run", "apply", "degenerate" })
            Assert.Contains(verb, help);

        Run(work, null, dkn, "datasets", "synth", "--out", "x.parquet");
        Assert.True(new FileInfo(Path.Combine(work, "x.parquet")).Length > 0);
        Assert.Contains("fact", Run(work, null, dkn, "datasets", "show", "x.parquet"));

        // A verb that runs libtorch: the packed libLibTorchSharp.so loads where it is installed.
        var inspect = Run(
            work,
            null,
            dkn,
            "inspect",
            "--model",
            GoldenModels.Folder("gpt2"),
            "--tokens",
            "3,17,42",
            "--json"
        );
        Assert.Contains("next_token_logits", inspect);

        MovedRunApplies(work, dkn);
        Directory.Delete(root, recursive: true); // about 0.8 GB (libtorch three times): kept only when the test fails
    }

    /// <summary>The installed tool runs the quickstart on a few facts; its model and pipeline.zip move to other folders
    /// and the archive applies there with --model; the applied results.csv reads back into DKN components.</summary>
    static void MovedRunApplies(string work, string dkn)
    {
        var run = Path.Combine(work, "run");
        Run(
            work,
            null,
            dkn,
            "run",
            Path.Combine(SharedPaths.RepoRoot, "pipelines", "quickstart.json"),
            "--out",
            run,
            "--cache",
            Path.Combine(SharedPaths.RepoRoot, ".cache", "models"),
            "--set",
            "steps.select-facts.max_facts=6"
        );
        var moved = Path.Combine(work, "moved");
        Directory.CreateDirectory(Path.Combine(moved, "archive"));
        Directory.Move(Path.Combine(run, "model"), Path.Combine(moved, "model"));
        File.Move(Path.Combine(run, "pipeline.zip"), Path.Combine(moved, "archive", "pipeline.zip"));
        var facts = Path.Combine(moved, "facts.parquet");
        File.Move(Path.Combine(run, "selected_facts.parquet"), facts);

        var applied = Path.Combine(work, "applied");
        Run(
            work,
            null,
            dkn,
            "apply",
            Path.Combine(moved, "archive", "pipeline.zip"),
            "--model",
            Path.Combine(moved, "model"),
            "--data",
            facts,
            "--out",
            applied
        );
        var rows = CsvRows.Read(Path.Combine(applied, "results.csv"));
        Assert.Equal(6, rows.Count);
        foreach (var row in rows)
        {
            // Each cell is a JSON array of components, each an array of [layer, index] pairs.
            var components = System.Text.Json.JsonSerializer.Deserialize<int[][][]>(row["dkn_components_functional"])!;
            var neurons = components.Select(c => c.Select(pair => new Neuron(pair[0], pair[1])).ToList()).ToList();
            if (row["is_dkn_functional"] == "true")
                Assert.True(neurons.Count >= 2, "a DKN has two components or more");
            Assert.All(neurons.SelectMany(n => n), n => Assert.InRange(n.Layer, 0, 1));
        }
    }

    static string Run(string folder, string? packages, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (packages != null)
            start.Environment["NUGET_PACKAGES"] = packages;
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
