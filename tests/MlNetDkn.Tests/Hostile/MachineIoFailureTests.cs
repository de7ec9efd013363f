using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Hostile;

/// <summary>
/// A write the machine refuses (here: a folder standing where a file must go, which fails like a read-only or full
/// disk does, even for root) ends in exit code 3 and one line naming the path, at every write site of a run.
/// </summary>
public class MachineIoFailureTests(HostileWorld world) : IClassFixture<HostileWorld>
{
    static void FailsWithExit3(string[] args, string blocked)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.True(code == 3, $"exit {code}: {err}");
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, err);
        Assert.Contains(Path.GetFileName(blocked), lines[0]);
        Assert.Contains("input/output failure", lines[0]);
    }

    [Theory]
    [InlineData("manifest.json.tmp")] // the manifest's temporary file
    [InlineData("manifest.json")] // the manifest's rename
    [InlineData("store/attributions.jsonl")] // the store's append
    [InlineData("knowledge_neurons.parquet.tmp")] // a table's temporary file
    [InlineData("attribution_facts.csv")] // a table's rename
    [InlineData("knowledge_neuron_heatmap.png")] // a plot
    [InlineData("pipeline.zip")] // the fitted pipeline
    public void ABlockedWriteInADatasetRunIsExit3(string relative)
    {
        var output = SharedPaths.TempDir("io-failure");
        var blocked = Path.Combine(output, relative);
        Directory.CreateDirectory(Path.Combine(blocked, "x"));
        FailsWithExit3(HostileWorld.Attribute(world.Model, world.Facts, output), blocked);
    }

    [Theory]
    [InlineData("report.md")]
    [InlineData("report.html")]
    public void ABlockedReportIsExit3(string file)
    {
        var run = world.CopyOfRun();
        var blocked = Path.Combine(run, file);
        Directory.CreateDirectory(Path.Combine(blocked, "x"));
        FailsWithExit3(["report", run], blocked);
    }
}

/// <summary>A file-size limit (EFBIG, as a full quota gives) in a separate process: exit 3, one line.</summary>
public class FileTooLargeTests(HostileWorld world) : IClassFixture<HostileWorld>
{
    [Fact]
    public void AWritePastTheFileSizeLimitIsExit3()
    {
        var output = SharedPaths.TempDir("efbig");
        var dll = Path.Combine(AppContext.BaseDirectory, "dkn.dll");
        var args = string.Join(" ", HostileWorld.Attribute(world.Model, world.Facts, output).Select(a => $"'{a}'"));
        // SIGXFSZ ignored (inherited through exec) so the write fails with EFBIG instead of killing the process; the
        // runtime's W^X double mapping needs files larger than the limit, so it is off here.
        var start = new System.Diagnostics.ProcessStartInfo(
            "bash",
            ["-c", $"trap '' XFSZ; ulimit -f 60; exec dotnet '{dll}' {args}"]
        )
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000));
        var err = stderr.Result;
        Assert.True(process.ExitCode == 3, $"exit {process.ExitCode}: {err}");
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("too large", err);
        Assert.Contains(Path.Combine(output, "store", "attributions.jsonl") + ": ", err); // the file that hit the limit
    }

    /// <summary>stdout and stderr in a log file already past the file-size limit (a log on a full disk): the error
    /// line is lost, but the exit code still says what happened instead of the runtime's SIGABRT (134) for an
    /// exception thrown while reporting.</summary>
    [Fact]
    public void AnErrorLineThatCannotBeWrittenStillGivesTheExitCode()
    {
        var folder = SharedPaths.TempDir("stderr-full");
        var log = Path.Combine(folder, "dkn.log");
        File.WriteAllBytes(log, new byte[4096]);
        var dll = Path.Combine(AppContext.BaseDirectory, "dkn.dll");
        var missing = Path.Combine(folder, "missing.parquet");
        var output = Path.Combine(folder, "out");
        var start = new System.Diagnostics.ProcessStartInfo(
            "bash",
            [
                "-c",
                $"trap '' XFSZ; ulimit -f 2; exec dotnet '{dll}' attribute --model '{world.Model}' --data '{missing}' "
                    + $"--out '{output}' >>'{log}' 2>&1",
            ]
        );
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        using var process = System.Diagnostics.Process.Start(start)!;
        Assert.True(process.WaitForExit(120_000));
        Assert.Equal(2, process.ExitCode);
        Assert.Equal(4096, new FileInfo(log).Length);
    }
}
