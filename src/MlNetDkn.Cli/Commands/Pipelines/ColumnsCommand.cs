using System.ComponentModel;
using MlNetDkn.Columns;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>`dkn columns`: the column dictionary of every table the tool writes (docs/columns.md).</summary>
public sealed class ColumnsCommand : Command<ColumnsCommand.Settings>
{
    /// <summary>The verb's flags.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Where to write the markdown; null prints it.</summary>
        [CommandOption("--out <FILE>")]
        [Description("Write the dictionary (markdown) to this file instead of printing it")]
        public string? Out { get; init; }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var markdown = ColumnDictionary.Markdown();
        if (settings.Out is null)
        {
            Console.Out.Write(markdown);
            return 0;
        }
        File.WriteAllText(settings.Out + ".tmp", markdown);
        File.Move(settings.Out + ".tmp", settings.Out, overwrite: true);
        Console.Out.WriteLine(settings.Out);
        return 0;
    }
}
