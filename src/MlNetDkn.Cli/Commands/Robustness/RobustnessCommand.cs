using System.ComponentModel;
using System.Text.Json.Nodes;
using MlNetDkn.Cli.Commands.Pipelines;
using MlNetDkn.ML.Pipelines.Steps;
using MlNetDkn.Pipelines;
using MlNetDkn.Pipelines.Steps;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Robustness;

/// <summary>
/// `dkn robustness &lt;r1|r2|r3|all&gt; --model M --data facts.parquet --out DIR`: the robustness experiments on a
/// dataset, as the pipeline load-facts → (select-facts) → load-model → perturb-queries → attribute →
/// find-degenerate-neurons → the experiment steps, run by the same runner as `dkn run`.
/// </summary>
public sealed class RobustnessCommand : Command<RobustnessCommand.Settings>
{
    public sealed class Settings : RunSettings
    {
        [CommandArgument(0, "<experiment>")]
        [Description(
            "r1 (suppression under perturbed queries), r2 (enhancement on failed queries), r3 (fact checking) or all"
        )]
        public string Experiment { get; init; } = "all";

        [CommandOption("-m|--model <PATH>")]
        [Description("Hugging Face folder or llama2.c checkpoint")]
        public string Model { get; init; } = "";

        [CommandOption("--data <PARQUET>")]
        [Description("Fact dataset (Parquet); its perturbed prompts are kept and more are drawn unless --no-perturb")]
        public string Data { get; init; } = "";

        [CommandOption("-o|--out <DIR>")]
        public string Out { get; init; } = "";

        [CommandOption("--limit <N>")]
        [Description("At most N facts, stratified over relations (seeded)")]
        public int Limit { get; init; }

        [CommandOption("--seed <N>")]
        public int Seed { get; init; } = 7;

        [CommandOption("--preset <PRESET>")]
        [Description("default or dkn-authors, for the perturbations and every experiment")]
        public string Preset { get; init; } = "default";

        [CommandOption("--dkn-preset <PRESET>")]
        [Description("The DKN definition: default (strict) or dkn-authors (their lenient rule)")]
        public string DknPreset { get; init; } = "default";

        [CommandOption("--dkn-method <METHOD>")]
        [Description("Which method's DKNs the experiments use: ntc, ntc-persistence, hierarchical, dbscan, kmeans")]
        public string DknMethod { get; init; } = "ntc";

        [CommandOption("--random-draws <N>")]
        public int? RandomDraws { get; init; }

        [CommandOption("--no-perturb")]
        [Description("Use only the perturbed prompts the dataset brings")]
        public bool NoPerturb { get; init; }
    }

    /// <summary>The options of an experiment step: the preset and DKN method, and for R1 and R2 the random draws when
    /// given.</summary>
    static JsonObject ExperimentOptions(string step, string preset, string method, int? randomDraws)
    {
        if (step == "fact-check")
            return StepSettings.ToJson(
                new FactCheckSettings { Preset = preset, DknMethod = method },
                s => s.Preset,
                s => s.DknMethod
            );
        PerturbedQuerySettings settings =
            step == "enhance-on-failures" ? new EnhanceOnFailuresSettings() : new SuppressUnderPerturbationSettings();
        settings = settings with { Preset = preset, DknMethod = method, RandomDraws = randomDraws ?? 0 };
        return randomDraws is null
            ? StepSettings.ToJson(settings, s => s.Preset, s => s.DknMethod)
            : StepSettings.ToJson(settings, s => s.Preset, s => s.DknMethod, s => s.RandomDraws);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Model.Length == 0 || settings.Data.Length == 0 || settings.Out.Length == 0)
            throw new DknInputException("robustness needs --model, --data and --out");
        var experiments = settings.Experiment switch
        {
            "r1" => new[] { "suppress-under-perturbation" },
            "r2" => ["enhance-on-failures"],
            "r3" => ["fact-check"],
            "all" => ["suppress-under-perturbation", "enhance-on-failures", "fact-check"],
            _ => throw new DknInputException(
                $"unknown experiment '{settings.Experiment}' (expected r1, r2, r3 or all)"
            ),
        };
        var method = settings.DknMethod;
        var methods = method == "ntc" ? "ntc" : $"ntc,{method}";
        var stages = new List<(string, JsonObject)>();
        if (!settings.NoPerturb && experiments.Any(e => e != "fact-check"))
            stages.Add(
                (
                    "perturb-queries",
                    StepSettings.ToJson(
                        new PerturbQueriesSettings { Preset = settings.Preset, KeepExisting = true },
                        s => s.Preset,
                        s => s.KeepExisting
                    )
                )
            );
        stages.Add(
            (
                "attribute-knowledge-neurons",
                StepSettings.ToJson(
                    new AttributeKnowledgeNeuronsSettings
                    {
                        Preset = settings.Preset == "dkn-authors" ? "dkn-authors" : "default",
                    },
                    s => s.Preset
                )
            )
        );
        stages.Add(
            (
                "find-degenerate-neurons",
                StepSettings.ToJson(
                    new FindDegenerateNeuronsSettings
                    {
                        Preset = settings.DknPreset,
                        Methods = methods,
                        Folder = "dkn",
                    },
                    s => s.Preset,
                    s => s.Methods,
                    s => s.Folder
                )
            )
        );
        foreach (var e in experiments)
            stages.Add((e, ExperimentOptions(e, settings.Preset, method, settings.RandomDraws)));
        var run = DatasetPipeline.Run(
            "robustness",
            settings.Data,
            settings.Model,
            settings.Limit,
            settings.Seed,
            settings.Out,
            stages.Select(s => (s.Item1, s.Item2)),
            settings,
            quiet: false,
            cancellationToken
        );
        Console.Out.WriteLine($"done -> {run.OutputFolder} (r1/, r2/, r3/ with tables, plots and r*_report.md)");
        return 0;
    }
}
