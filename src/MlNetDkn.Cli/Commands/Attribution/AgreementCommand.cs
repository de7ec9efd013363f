using System.ComponentModel;
using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Agreement;
using MlNetDkn.Cli.Commands.Models;
using MlNetDkn.Cli.Commands.Pipelines;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Attribution;

/// <summary>`dkn agreement`: how far cheap estimators and reduced dtypes agree with exact float32 IG on a model's
/// facts.</summary>
public sealed class AgreementCommand : Command<AgreementCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--data <PARQUET>")]
        [Description("Fact dataset (Parquet)")]
        public string? Data { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Folder for agreement.csv/.parquet, agreement_facts, agreement_prompts and agreement.md")]
        public string? Out { get; init; }

        [CommandOption("--variants <LIST>")]
        [Description(
            "Comma-separated: presets (grad-x-act, baseline-gradient, ig-N), dtypes (bfloat16, float16) or preset@dtype"
        )]
        [DefaultValue("grad-x-act,baseline-gradient,ig-5,ig-10,bfloat16,float16")]
        public string Variants { get; init; } = "grad-x-act,baseline-gradient,ig-5,ig-10,bfloat16,float16";

        [CommandOption("--reference-steps <N>")]
        [Description("Steps of the exact reference (default preset, float32)")]
        [DefaultValue(20)]
        public int ReferenceSteps { get; init; } = 20;

        [CommandOption("--threshold <SPEC>")]
        [Description("Coarse cut per prompt: ratio:X, abs:X, percentile:X or topk:K")]
        [DefaultValue(FactAttributionOptions.Defaults.CoarseText)]
        public string Threshold { get; init; } = FactAttributionOptions.Defaults.CoarseText;

        [CommandOption("--dkn-method <NAME>")]
        [Description(
            "Clustering method whose strict DKN is compared (ntc, ntc-persistence, hierarchical, dbscan, kmeans)"
        )]
        [DefaultValue("ntc")]
        public string DknMethod { get; init; } = "ntc";

        [CommandOption("--dkn-check <RULE>")]
        [Description(
            "strict (the definition: every proper subset dispensable, the whole set necessary) or lenient (the "
                + "authors' rule)"
        )]
        [DefaultValue("strict")]
        public string DknCheck { get; init; } = "strict";

        [CommandOption("--max-prompts <N>")]
        [Description("Prompts per fact (0 = all)")]
        [DefaultValue(3)]
        public int MaxPrompts { get; init; } = 3;

        [CommandOption("--limit <N>")]
        [Description("At most N facts, drawn across relations with --seed (0 = all)")]
        [DefaultValue(40)]
        public int Limit { get; init; } = 40;

        [CommandOption("--seed <N>")]
        [DefaultValue(7)]
        public int Seed { get; init; } = 7;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Data is null || settings.Out is null)
            throw new DknInputException("agreement needs --data PARQUET and --out DIR");
        var model = settings.RequiredModel;
        var options = new AgreementOptions
        {
            Reference = new(
                $"ig-{settings.ReferenceSteps}@float32",
                AttributionOptions.FewSteps(settings.ReferenceSteps),
                "float32"
            ),
            Variants = settings.Variants.Split(
                ',',
                StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries
            ),
            Selection = new FactAttributionOptions { Coarse = CoarseThreshold.Parse(settings.Threshold) },
            Dkn = DknOptions.Default with
            {
                Methods = [DknOptions.ParseMethod(settings.DknMethod)],
                EvaluateDegeneracy = false,
                Check = FunctionalCheckOptions.FromName(settings.DknCheck, "--dkn-check"),
            },
            MaxPrompts = settings.MaxPrompts,
            Seed = settings.Seed,
        };
        options.Validate();
        var selection = new FactSelection { MaxFacts = settings.Limit, Seed = settings.Seed };
        selection.Validate();
        var dataset = FactDataset.Read(settings.Data);
        var facts = selection.Apply(dataset.Records);
        var load = new ModelLoadOptions { Device = settings.Device, Threads = settings.Threads };
        var result = AnsiConsole
            .Status()
            .Start("attributing", status =>
                AttributionAgreement.Run(
                    model,
                    load,
                    facts,
                    options,
                    new SyncProgress<string>(m => status.Status($"attributing {m}")),
                    cancellationToken
                )
            );
        var provenance = new Dictionary<string, string>
        {
            ["model"] = Path.GetFullPath(model),
            ["data"] = Path.GetFullPath(settings.Data),
            ["dataset_sha256"] = dataset.ContentHash(),
            ["facts"] = facts.Count.ToString(),
            ["reference"] = options.Reference.Attribution.ToCanonicalJson(),
            ["threshold"] = settings.Threshold,
            ["dkn_method"] = settings.DknMethod,
            ["dkn_check"] = settings.DknCheck,
            ["threads"] = TorchSharp.torch.get_num_threads().ToString(),
            ["seed"] = settings.Seed.ToString(),
        };
        var full = Path.GetFullPath(model).TrimEnd('/');
        // A run's model folder is called "model": name it by the run instead.
        var name =
            Path.GetFileName(full) == "model"
                ? $"{Path.GetFileName(Path.GetDirectoryName(full))}/model"
                : Path.GetFileName(full);
        var files = AgreementReport.Write(
            result,
            settings.Out,
            $"{name}: agreement with {options.Reference.Name}",
            provenance
        );
        Console.Out.Write(AgreementReport.Markdown(result, "agreement", new Dictionary<string, string>()));
        AnsiConsole.MarkupLine(
            $"-> {Markup.Escape(string.Join(", ", files.Select(Path.GetFileName)))} in {Markup.Escape(settings.Out)}"
        );
        return 0;
    }
}
