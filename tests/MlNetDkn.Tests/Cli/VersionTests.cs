using MlNetDkn.Cli;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Cli;

public class VersionTests
{
    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    [InlineData("run", "--version")]
    [InlineData("datasets", "synth", "--version")]
    [InlineData("attribute", "--model", "nowhere", "--version")]
    public void VersionFlagPrintsTheVersionOfDirectoryBuildProps(params string[] args)
    {
        var (code, stdout, stderr) = CliRunner.Run(args);
        Assert.True(code == 0, stderr);
        Assert.Equal(ProjectVersion.FromProps(), stdout.Trim());
        Assert.Equal("", stderr);
    }

    [Fact]
    public void TheCommandTheManifestAndTheAssembliesAgreeOnTheVersion()
    {
        var version = ProjectVersion.FromProps();
        Assert.Equal(version, DknApp.Version);
        Assert.True(DknTool.Version == version || DknTool.Version.StartsWith(version + "+"), DknTool.Version);
        Assert.Equal(
            version,
            typeof(MlNetDkn.ML.KnowledgeNeuronsCatalog)
                .Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .Cast<System.Reflection.AssemblyInformationalVersionAttribute>()
                .Single()
                .InformationalVersion.Split('+')[0]
        );
    }

    [Fact]
    public void HelpListsTheVersionFlag()
    {
        var (code, stdout, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("--version", stdout);
    }

    [Fact]
    public void AVersionTokenAfterTheSeparatorIsNotTheFlag()
    {
        var (code, stdout, _) = CliRunner.Run("datasets", "show", "--", "--version");
        Assert.NotEqual(0, code);
        Assert.NotEqual(ProjectVersion.FromProps(), stdout.Trim());
    }
}
