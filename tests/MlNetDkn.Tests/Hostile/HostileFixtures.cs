using System.Security.Cryptography;
using MlNetDkn.Facts;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;
using MlNetDkn.Training;

namespace MlNetDkn.Tests.Hostile;

/// <summary>
/// A tiny word-level fact model (trained for one epoch: these tests need its files, not its knowledge), a few of its
/// facts, and a previous run's output folder to run hostile inputs against.
/// </summary>
public sealed class HostileWorld : IDisposable
{
    public FactDataset Dataset { get; } = TinyWorld.Dataset();
    public string Model { get; }
    public string Facts { get; }

    /// <summary>The output of a finished `dkn attribute --data` run; copy it (<see cref="CopyOfRun"/>) before
    /// use.</summary>
    public string FinishedRun { get; }

    public HostileWorld()
    {
        using var trained = FactModelTrainer.Train(Dataset, TinyWorld.Options(epochs: 1));
        Model = SharedPaths.TempDir("hostile-model");
        trained.Save(Model);
        Facts = Path.Combine(SharedPaths.TempDir("hostile-facts"), "facts.parquet");
        new FactDataset(Dataset.Records.Take(3)).Write(Facts);
        FinishedRun = SharedPaths.TempDir("hostile-run");
        var (code, _, err) = CliRunner.Run(Attribute(Model, Facts, FinishedRun));
        if (code != 0)
            throw new InvalidOperationException($"the reference run failed: {err}");
    }

    /// <summary>`dkn attribute` over a dataset, cheap enough for a test (4 integration steps).</summary>
    public static string[] Attribute(string model, string facts, string output) =>
        ["attribute", "--model", model, "--data", facts, "--out", output, "-o", "steps=4"];

    /// <summary>A fresh copy of <see cref="FinishedRun"/> (a pre-populated output folder).</summary>
    public string CopyOfRun() => CopyFolder(FinishedRun, SharedPaths.TempDir("prepopulated"));

    /// <summary>A copy of the model folder with one file replaced or edited.</summary>
    public string CopyOfModel() => CopyFolder(Model, SharedPaths.TempDir("hostile-model-copy"));

    public static string CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        return to;
    }

    /// <summary>Every file under a folder (relative path) with its SHA-256 and last write time.</summary>
    public static SortedDictionary<string, string> Snapshot(string folder)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            result[Path.GetRelativePath(folder, file)] =
                Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))
                + " "
                + File.GetLastWriteTimeUtc(file).Ticks;
        foreach (var dir in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories))
            result[Path.GetRelativePath(folder, dir) + "/"] = "folder";
        return result;
    }

    public void Dispose() { }
}
