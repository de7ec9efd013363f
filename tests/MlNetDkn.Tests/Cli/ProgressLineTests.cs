using MlNetDkn.Cli.Commands.Pipelines;

namespace MlNetDkn.Tests.Cli;

public class ProgressLineTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    [InlineData(60)]
    public void AProgressLineFitsItsTerminal(int width)
    {
        // Bar 20, percentage 4, elapsed and remaining 8 each, and the gaps between five columns.
        const int others = 20 + 4 + 8 + 8 + 4;
        int room = ConsoleReporter.DescriptionWidth(width);
        Assert.True(room + others <= width || room == 12, $"{room} + {others} > {width}");
        var status = "find-degenerate-neurons: 200 facts: 40 computed, 0 from the store";
        var fitted = ConsoleReporter.Fit(status, room);
        Assert.True(fitted.Length <= room);
        Assert.EndsWith("…", fitted);
        Assert.StartsWith(fitted[..^1], status);
        Assert.Equal("short", ConsoleReporter.Fit("short", room));
    }
}
