using System.Reflection;

namespace MlNetDkn;

/// <summary>What every output records of the tool that wrote it.</summary>
public static class DknTool
{
    /// <summary>The version of Directory.Build.props (with the commit, where the build recorded one).</summary>
    public static string Version =>
        typeof(DknTool).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(DknTool).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
