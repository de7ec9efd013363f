using System.Xml.Linq;

namespace MlNetDkn.Tests.Support;

/// <summary>The one source of the version: the Version property of the repository's Directory.Build.props.</summary>
public static class ProjectVersion
{
    public static string FromProps()
    {
        var props = XDocument.Load(Path.Combine(SharedPaths.RepoRoot, "Directory.Build.props"));
        var versions = props.Descendants("Version").Select(v => v.Value.Trim()).ToList();
        Assert.True(versions.Count == 1, $"Directory.Build.props sets Version once (found {versions.Count})");
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", versions[0]);
        return versions[0];
    }
}
