using System.Diagnostics;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Hostile;

/// <summary>
/// A short run of deploy/soak/fault-soak.sh: seed 9 draws a file-size limit from the start, a SIGKILL, a 1 KiB
/// file-size limit imposed mid-run and a SIGINT, each resumed by the next run; every exit must be one the fault allows
/// (130, 3 or 0) and the finished tables must equal an uninterrupted run's, timing columns aside. Where each fault
/// lands varies with the machine's speed; the outcome must not.
/// </summary>
public class FaultSoakTests
{
    [Fact]
    public void FourFaultsOfEveryKindLeaveTheTablesOfAnUninterruptedRun()
    {
        var start = new ProcessStartInfo(
            "bash",
            [Path.Combine(SharedPaths.RepoRoot, "deploy/soak/fault-soak.sh"), "faults", "4", "3"]
        )
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DKN_SOAK_SEED"] = "9";
        start.Environment["DKN_SOAK_WORK"] = SharedPaths.TempDir("fault-soak");
        start.Environment["DKN_SOAK_MODEL"] = StoryFacts.ModelPath;
        start.Environment["DKN_SOAK_DLL"] = Path.Combine(AppContext.BaseDirectory, "dkn.dll");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), "the soak did not finish");
        var output = stdout + stderr.Result;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {output}");
        Assert.Contains("4 faults: 1 SIGKILL (", output);
        Assert.Contains("1 SIGINT (", output);
        Assert.Contains("2 file-size limit (", output);
        Assert.Contains("0 unexpected exits", output);
        Assert.Contains("tables each: all equal", output);
    }
}

/// <summary>What a kill at the wrong moment leaves behind does not stop the next run.</summary>
public class KilledWriteLeftoverTests(HostileWorld world) : IClassFixture<HostileWorld>
{
    /// <summary>A kill during the pipeline archive's save leaves pipeline.zip.partial (found by the fault soak: the
    /// next run failed with "already exists", exit 3).</summary>
    [Fact]
    public void AStalePartialArchiveIsReplaced()
    {
        var output = world.CopyOfRun();
        var partial = Path.Combine(output, "pipeline.zip.partial");
        File.WriteAllText(partial, "half an archive");
        var (code, _, err) = CliRunner.Run(HostileWorld.Attribute(world.Model, world.Facts, output));
        Assert.True(code == 0, $"exit {code}: {err}");
        Assert.False(File.Exists(partial));
        Assert.True(new FileInfo(Path.Combine(output, "pipeline.zip")).Length > 100);
    }
}
