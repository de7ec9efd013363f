namespace MlNetDkn.Benchmarks;

/// <summary>Flag reading shared by the benchmarks ("--name value").</summary>
static class Args
{
    public static int Int(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

    public static string? Text(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static bool Flag(string[] args, string name) => args.Contains(name);

    /// <summary>The folder holding MlNetDkn.sln, found from the benchmark's own location.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MlNetDkn.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"no MlNetDkn.sln above {AppContext.BaseDirectory}");
    }
}
