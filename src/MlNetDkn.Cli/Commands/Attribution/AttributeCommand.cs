using System.ComponentModel;
using System.Text.Json.Nodes;
using MlNetDkn.Attribution;
using MlNetDkn.Cli.Commands.Models;
using MlNetDkn.Cli.Commands.Pipelines;
using MlNetDkn.Metrics.Plots;
using MlNetDkn.Metrics.Tables;
using MlNetDkn.ML.Pipelines.Steps;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Pipelines;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Attribution;

/// <summary>`dkn attribute`: integrated gradients for one prompt (--text/--tokens) or every fact of a dataset
/// (--data).</summary>
public sealed class AttributeCommand : Command<AttributeCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--target <TEXT>")]
        [Description("Answer text for --text (teacher-forced if it has several tokens)")]
        public string? Target { get; init; }

        [CommandOption("--target-token <IDS>")]
        [Description("Answer as token ids (comma-separated for several)")]
        public string? TargetToken { get; init; }

        [CommandOption("-p|--preset <NAME>")]
        [Description(
            "default (corrected), eleuther, dkn-authors, or a cheap estimator with its error measured in "
                + "docs/performance.md: grad-x-act, baseline-gradient, ig-N; gauss (4-point Gauss–Legendre), "
                + "gauss-N, adaptive"
        )]
        [DefaultValue("default")]
        public string Preset { get; init; } = "default";

        [CommandOption("-o|--option <KEY=VALUE>")]
        [Description(
            "Override an attribution option: site, baseline, grid, multiplier, objective, aggregation, steps, "
                + "tolerance, max-steps, batch, memory-budget (MiB), fast-path, mask-token"
        )]
        public string[] Overrides { get; init; } = [];

        [CommandOption("--threshold <SPEC>")]
        [Description("Coarse knowledge-neuron cut: ratio:0.2, abs:1e-4, percentile:99.9, topk:20")]
        [DefaultValue(FactAttributionOptions.Defaults.CoarseText)]
        public string Threshold { get; init; } = FactAttributionOptions.Defaults.CoarseText;

        [CommandOption("--data <PARQUET>")]
        [Description("Attribute every fact of a fact dataset instead of one prompt")]
        public string? Data { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Output folder for tables, heatmap and the resumable store")]
        public string? Out { get; init; }

        [CommandOption("--share <RATIO>")]
        [Description("Refinement across a fact's prompts: keep neurons coarse in at least this fraction")]
        [DefaultValue(FactAttributionOptions.Defaults.ShareRatio)]
        public double Share { get; init; } = FactAttributionOptions.Defaults.ShareRatio;

        [CommandOption("--max-prompts <N>")]
        [Description("Attribute at most N prompts per fact (0 = all)")]
        [DefaultValue(0)]
        public int MaxPrompts { get; init; }

        [CommandOption("--limit <N>")]
        [Description("Attribute at most N facts, drawn across relations with --seed (0 = all)")]
        [DefaultValue(0)]
        public int Limit { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the --limit draw")]
        [DefaultValue(7)]
        public int Seed { get; init; } = 7;

        [CommandOption("--json")]
        [Description("Print one JSON object (single prompt) or the run summary (dataset)")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = AttributionOptionsText.ApplyAll(
            AttributionOptions.FromPreset(settings.Preset),
            settings.Overrides
        );
        var threshold = CoarseThreshold.Parse(settings.Threshold);
        return settings.Data is null
            ? SinglePrompt(settings, options, threshold)
            : Dataset(settings, cancellationToken);
    }

    static int SinglePrompt(Settings settings, AttributionOptions options, CoarseThreshold threshold)
    {
        using var loaded = settings.LoadModel();
        var tokenizer = settings.TryLoadTokenizer(required: settings.Text is not null || settings.Target is not null);
        var prompt = settings.PromptIds(loaded.Config, tokenizer);
        if ((settings.Target is null) == (settings.TargetToken is null))
            throw new DknInputException("give exactly one of --target or --target-token");
        var answer = settings.TargetToken is not null
            ? ModelSettings.ParseIds(settings.TargetToken, "--target-token")
            : PromptEncoding.Answer(tokenizer!, settings.Target!);
        var result = IntegratedGradients.Attribute(loaded.Model, new AttributionRequest(prompt, answer), options);
        var selected = NeuronSelection.Coarse(result.Scores, threshold);
        if (settings.Out is not null)
            NeuronHeatmap.Save(
                result.Scores,
                Path.Combine(settings.Out, "scores_heatmap.png"),
                $"Attribution scores ({options.Preset})",
                "score"
            );

        if (settings.Json)
        {
            var json = new JsonObject
            {
                ["model"] = loaded.Source,
                ["preset"] = options.Preset,
                ["options"] = JsonNode.Parse(options.ToCanonicalJson()),
                ["tokens"] = new JsonArray(prompt.Select(t => (JsonNode)t).ToArray()),
                ["answer_tokens"] = new JsonArray(answer.Select(t => (JsonNode)t).ToArray()),
                ["scores"] = new JsonArray(
                    result.Scores.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray()
                ),
                ["layer_sums"] = new JsonArray(result.Scores.Select(r => (JsonNode)r.Sum()).ToArray()),
                ["selected"] = new JsonArray(
                    selected
                        .Select(n =>
                            (JsonNode)
                                new JsonObject
                                {
                                    ["layer"] = n.Neuron.Layer,
                                    ["index"] = n.Neuron.Index,
                                    ["score"] = n.Score,
                                }
                        )
                        .ToArray()
                ),
                ["threshold"] = threshold.ToString(),
                ["objective"] = new JsonArray(result.ObjectiveAtActivation.Select(v => (JsonNode)v).ToArray()),
                ["completeness_error"] = new JsonArray(result.CompletenessError.Select(v => (JsonNode)v).ToArray()),
                ["relative_completeness_error"] = result.RelativeCompletenessError,
                ["path_points"] = new JsonArray(result.PathPointsUsed.Select(v => (JsonNode)v).ToArray()),
            };
            Console.Out.WriteLine(json.ToJsonString());
            return 0;
        }
        AnsiConsole.MarkupLine(
            $"[bold]{Markup.Escape(loaded.Source)}[/] preset {options.Preset}, P(answer) = "
                + $"{result.Aggregate(result.ObjectiveAtActivation):0.######}"
                + (options.IsAdaptive ? $", {string.Join("/", result.PathPointsUsed)} path points" : "")
        );
        var table = new Table()
            .AddColumn("layer")
            .AddColumn(new TableColumn("Σ score").RightAligned())
            .AddColumn(new TableColumn("max").RightAligned())
            .AddColumn(new TableColumn("completeness error").RightAligned());
        for (int l = 0; l < result.Layers; l++)
            table.AddRow(
                $"{l}",
                $"{result.Scores[l].Sum():E3}",
                $"{result.Scores[l].Max():E3}",
                $"{result.CompletenessError[l]:E2}"
            );
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(
            $"{selected.Count} knowledge neurons ({threshold}): "
                + $"{Markup.Escape(AttributionTables.NeuronList(selected.Take(30)))}{(selected.Count > 30 ? " …" : "")}"
        );
        return 0;
    }

    static int Dataset(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Out is null)
            throw new DknInputException("--data needs --out DIR (tables, heatmap and the resumable store go there)");
        var stage = StepSettings.ToJson(
            new AttributeKnowledgeNeuronsSettings
            {
                Preset = settings.Preset,
                Threshold = settings.Threshold,
                ShareRatio = settings.Share,
                MaxPrompts = settings.MaxPrompts,
                Options = settings.Overrides.Length > 0 ? string.Join(",", settings.Overrides) : null,
                Folder = ".",
            },
            s => s.Preset,
            s => s.Threshold,
            s => s.ShareRatio,
            s => s.MaxPrompts,
            s => s.Options,
            s => s.Folder
        );
        var run = DatasetPipeline.Run(
            "attribute",
            settings.Data!,
            settings.RequiredModel,
            settings.Limit,
            settings.Seed,
            settings.Out,
            [("attribute-knowledge-neurons", stage)],
            settings.Run,
            settings.Json,
            cancellationToken
        );
        var summary = run.Manifest["steps"]!.AsArray().Last()!["results"]!;
        if (settings.Json)
            Console.Out.WriteLine(summary.ToJsonString());
        else
            AnsiConsole.MarkupLine(
                $"{summary["facts"]} facts, {summary["prompts_computed"]} prompts computed, "
                    + $"{summary["prompts_reused"]} reused → {Markup.Escape(settings.Out)}"
            );
        return 0;
    }
}
