using System.ComponentModel;
using MlNetDkn.Attribution;
using MlNetDkn.Cli.Commands.Models;
using MlNetDkn.Cli.Commands.Pipelines;
using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.ML.Pipelines.Steps;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Degeneracy;

/// <summary>`dkn degenerate`: DKN acquisition for one prompt or for every fact of a dataset.</summary>
public sealed class DegenerateCommand : Command<DegenerateCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--target <TEXT>")]
        [Description("Answer text for --text")]
        public string? Target { get; init; }

        [CommandOption("--target-token <IDS>")]
        [Description("Answer as token ids")]
        public string? TargetToken { get; init; }

        [CommandOption("--neurons <LIST>")]
        [Description("Knowledge neurons as layer:index,… (skips attribution), in descending score order")]
        public string? Neurons { get; init; }

        [CommandOption("--preset <NAME>")]
        [Description(
            "default (knockout candidates, components from function, strict check), graph (attributed knowledge "
                + "neurons, NTC and clustering baselines, strict check) or dkn-authors (their code as it runs)"
        )]
        [DefaultValue("default")]
        public string Preset { get; init; } = "default";

        [CommandOption("--attribution-preset <NAME>")]
        [Description("Attribution preset when no --neurons are given (default: the same name as --preset)")]
        public string? AttributionPreset { get; init; }

        [CommandOption("--threshold <SPEC>")]
        [Description("Coarse knowledge-neuron cut")]
        [DefaultValue(FactAttributionOptions.Defaults.CoarseText)]
        public string Threshold { get; init; } = FactAttributionOptions.Defaults.CoarseText;

        [CommandOption("--methods <LIST>")]
        [Description(
            "Comma-separated: functional, ntc, ntc-persistence, hierarchical, dbscan, kmeans, src-pairs, "
                + "random-partition (default: the preset's)"
        )]
        public string? Methods { get; init; }

        [CommandOption("--t-low <X>")]
        [Description("Largest relative drop a single component may cause")]
        public double? TLow { get; init; }

        [CommandOption("--t-high <X>")]
        [Description("Smallest relative drop suppressing all components must cause (strict mode)")]
        public double? THigh { get; init; }

        [CommandOption("--data <PARQUET>")]
        [Description("Run over every fact of a dataset")]
        public string? Data { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Output folder (dataset mode)")]
        public string? Out { get; init; }

        [CommandOption("--limit <N>")]
        [Description("At most N facts, drawn across relations with --seed (0 = all)")]
        [DefaultValue(0)]
        public int Limit { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the --limit draw")]
        [DefaultValue(7)]
        public int Seed { get; init; } = 7;

        [CommandOption("--max-prompts <N>")]
        [Description("Attribute at most N prompts per fact (0 = all)")]
        [DefaultValue(0)]
        public int MaxPrompts { get; init; }

        [CommandOption("--json")]
        [Description("Print JSON")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = DknOptions.FromPreset(settings.Preset);
        if (settings.Methods is not null)
            options = options with
            {
                Methods = settings
                    .Methods.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(DknOptions.ParseMethod)
                    .ToArray(),
            };
        if (settings.TLow is double low)
            options = options with { Check = options.Check with { TLow = low } };
        if (settings.THigh is double high)
            options = options with { Check = options.Check with { THigh = high } };
        if (settings.Data is not null)
            return Dataset(settings, cancellationToken);
        return SinglePrompt(settings, options, AttributionOptions.FromPreset(AttributionPresetFor(settings)));
    }

    /// <summary>The attribution preset: as given, else the DKN preset's namesake (the graph preset attributes as the
    /// default does).</summary>
    static string AttributionPresetFor(Settings settings) =>
        settings.AttributionPreset ?? (settings.Preset == "dkn-authors" ? "dkn-authors" : "default");

    static int SinglePrompt(Settings settings, DknOptions options, AttributionOptions attribution)
    {
        using var loaded = settings.LoadModel();
        var tokenizer = settings.TryLoadTokenizer(required: settings.Text is not null || settings.Target is not null);
        var prompt = settings.PromptIds(loaded.Config, tokenizer);
        if ((settings.Target is null) == (settings.TargetToken is null))
            throw new DknInputException("give exactly one of --target or --target-token");
        var answer = settings.TargetToken is not null
            ? ModelSettings.ParseIds(settings.TargetToken, "--target-token")
            : PromptEncoding.Answer(tokenizer!, settings.Target!);
        var stage = DknStageOptions.FromPreset(settings.Preset);
        IReadOnlyList<Neuron> neurons;
        if (settings.Neurons is not null)
        {
            try
            {
                neurons = Neuron.ParseList(settings.Neurons);
            }
            catch (DknInputException e)
            {
                throw new DknInputException($"--neurons: {e.Message}");
            }
        }
        else if (stage.Candidates == CandidateSource.Knockout)
        {
            using var probe = new MlNetDkn.Perturbation.PrefixCacheProbe(loaded.Model, prompt, answer, options.Site);
            neurons = KnockoutAttribution.Run([probe], stage.Knockout).Candidates;
        }
        else
            neurons = NeuronSelection
                .Coarse(
                    IntegratedGradients
                        .Attribute(loaded.Model, new AttributionRequest(prompt, answer), attribution)
                        .Scores,
                    CoarseThreshold.Parse(settings.Threshold)
                )
                .Select(n => n.Neuron)
                .ToList();
        var result = DknFinder.Find(loaded.Model, prompt, answer, neurons, options);
        if (settings.Json)
        {
            Console.Out.WriteLine(DknJson.Of(result, options).ToJsonString());
            return 0;
        }
        AnsiConsole.MarkupLine(
            $"[bold]{Markup.Escape(loaded.Source)}[/] preset {options.Preset}: {neurons.Count} knowledge neurons, "
                + $"P0 = {result.BaselineProbability:0.######}"
        );
        var table = new Table()
            .AddColumn("method")
            .AddColumn("candidates")
            .AddColumn("components")
            .AddColumn("DKN")
            .AddColumn("joint drop");
        foreach (var m in result.Methods)
            table.AddRow(
                m.Method.ToString(),
                $"{m.Candidates.Count}",
                $"{m.Check.Dkn.Count}",
                m.Check.IsDkn ? "yes" : "no",
                m.Check.JointDrop is double j ? $"{j:0.###}" : "–"
            );
        AnsiConsole.Write(table);
        return 0;
    }

    static int Dataset(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Out is null)
            throw new DknInputException("--data needs --out DIR");
        var attribution = StepSettings.ToJson(
            new AttributeKnowledgeNeuronsSettings
            {
                Preset = AttributionPresetFor(settings),
                Threshold = settings.Threshold,
                MaxPrompts = settings.MaxPrompts,
                Folder = "attribution",
            },
            s => s.Preset,
            s => s.Threshold,
            s => s.MaxPrompts,
            s => s.Folder
        );
        var dkn = StepSettings.ToJson(
            new FindDegenerateNeuronsSettings
            {
                Preset = settings.Preset,
                Methods = settings.Methods,
                TLow = settings.TLow,
                THigh = settings.THigh,
                Folder = ".",
            },
            s => s.Preset,
            s => s.Methods,
            s => s.TLow,
            s => s.THigh,
            s => s.Folder
        );
        var run = DatasetPipeline.Run(
            "degenerate",
            settings.Data!,
            settings.RequiredModel,
            settings.Limit,
            settings.Seed,
            settings.Out,
            [("attribute-knowledge-neurons", attribution), ("find-degenerate-neurons", dkn)],
            settings.Run,
            settings.Json,
            cancellationToken
        );
        var summary = run.Manifest["steps"]!.AsArray().Last()!["results"]!;
        if (settings.Json)
            Console.Out.WriteLine(summary.ToJsonString());
        else
            foreach (var m in summary["methods"]!.AsArray())
                AnsiConsole.MarkupLine($"{m!["method"]}: {m["facts_with_dkn"]} of {m["facts"]} facts have a DKN");
        return 0;
    }
}
