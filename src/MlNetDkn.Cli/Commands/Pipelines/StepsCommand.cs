using Spectre.Console;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>`dkn steps`: every registered pipeline step with its options, types and defaults.</summary>
public sealed class StepsCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
            console.Profile.Width = 160;
        foreach (var step in MlNetDkn.ML.Pipelines.PipelineSteps.CreateRegistry().Steps)
        {
            console.MarkupLine($"[bold]{Markup.Escape(step.Name)}[/]: {Markup.Escape(step.Description)}");
            var table = new Table().AddColumn("option").AddColumn("type").AddColumn("default").AddColumn("description");
            foreach (var (name, spec) in step.Options.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                table.AddRow(
                    Markup.Escape(name),
                    Markup.Escape(spec.TypeName),
                    Markup.Escape(
                        spec.Required ? "(required)"
                        : spec.Default is null ? "(unset)"
                        : Format(spec.Default)
                    ),
                    Markup.Escape(spec.Description)
                );
            console.Write(table);
        }
        return 0;
    }

    static string Format(object value) =>
        value switch
        {
            bool b => b ? "true" : "false",
            double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
}
