using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Architecture;

/// <summary>The source reads on one screen: no line of C# under src, tests or benchmarks is longer than the 120
/// characters `.editorconfig` and `.csharpierrc.json` set (`dotnet csharpier format .` lays code out; comments and
/// string literals are wrapped by hand).</summary>
public class SourceLayoutTests
{
    const int MaxLineLength = 120;

    [Fact]
    public void NoSourceLineIsLongerThanTheEditorConfigLimit()
    {
        var longLines = new List<string>();
        foreach (var folder in new[] { "src", "tests", "benchmarks" })
        foreach (
            var file in Directory.EnumerateFiles(
                Path.Combine(SharedPaths.RepoRoot, folder),
                "*.cs",
                SearchOption.AllDirectories
            )
        )
        {
            var relative = Path.GetRelativePath(SharedPaths.RepoRoot, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("obj") || parts.Contains("bin"))
                continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
                if (lines[i].Length > MaxLineLength)
                    longLines.Add($"{relative}:{i + 1} ({lines[i].Length} characters)");
        }
        Assert.True(
            longLines.Count == 0,
            $"{longLines.Count} lines over {MaxLineLength}:\n" + string.Join("\n", longLines)
        );
    }

    [Fact]
    public void TheLimitIsTheOneTheEditorConfigAndTheFormatterSet()
    {
        var editorConfig = File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, ".editorconfig"));
        var formatter = File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, ".csharpierrc.json"));
        Assert.Contains($"max_line_length = {MaxLineLength}", editorConfig);
        Assert.Contains($"\"printWidth\": {MaxLineLength}", formatter);
    }
}
