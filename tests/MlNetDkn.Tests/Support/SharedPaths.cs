namespace MlNetDkn.Tests.Support;

/// <summary>Locates the repository root (the folder with MlNetDkn.sln) and the read-only `../shared` beside
/// it.</summary>
public static class SharedPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string Shared { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
    public static string Golden => Path.Combine(Shared, "golden");
    public static string RawDatasets => Path.Combine(Shared, "datasets", "raw");
    public static string Models => Path.Combine(Shared, "models");

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MlNetDkn.sln")))
            dir = dir.Parent;
        return dir?.FullName
            ?? throw new InvalidOperationException("MlNetDkn.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A fresh temporary folder for one test.</summary>
    public static string TempDir(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "mlnetdkn-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }
}
