using System.Globalization;
using MlNetDkn.ML.Pipelines.Steps;
using MlNetDkn.Pipelines;
using MlNetDkn.Pipelines.Steps;

namespace MlNetDkn.Tests.Pipelines;

public class StepSettingsTests
{
    static readonly StepRegistry Registry = MlNetDkn.ML.Pipelines.PipelineSteps.CreateRegistry();

    // Every option of every registered step as the hand-written option tables declared them before the settings
    // records: step, option, type, default (CLR type and value, or null), required, choices; in declaration order.
    const string Expected = """
        attribute-knowledge-neurons preset String String:default
        attribute-knowledge-neurons steps Integer null
        attribute-knowledge-neurons options String null
        attribute-knowledge-neurons threshold String String:ratio:0.2
        attribute-knowledge-neurons share_ratio Number Double:0.5
        attribute-knowledge-neurons max_prompts Integer null
        attribute-knowledge-neurons answer_encoding String null [natural,dkn-authors]
        attribute-knowledge-neurons folder String String:attribution
        enhance-on-failures preset String String:default [default,dkn-authors]
        enhance-on-failures dkn_method String String:ntc
        enhance-on-failures dkn_suffix String String:
        enhance-on-failures conditions String null
        enhance-on-failures random_draws Integer Int32:10
        enhance-on-failures routes String String:activations,weights
        enhance-on-failures weight_mode String String:input-and-output [input-and-output,output]
        enhance-on-failures max_per_kind Integer Int32:0
        enhance-on-failures seed Integer null
        enhance-on-failures folder String String:r2
        enhance-on-failures collateral Integer Int32:8
        evaluate-accuracy batch_size Integer Int32:256
        evaluate-accuracy folder String String:accuracy
        fact-check preset String String:default [default,dkn-authors]
        fact-check dkn_method String String:ntc
        fact-check dkn_suffix String String:
        fact-check detectors String null
        fact-check share Number Double:0.5
        fact-check train Number Double:0.6
        fact-check validation Number Double:0.2
        fact-check steps Integer null
        fact-check seed Integer null
        fact-check folder String String:r3
        find-degenerate-neurons preset String String:default [default,graph,dkn-authors]
        find-degenerate-neurons methods String null
        find-degenerate-neurons candidates String null [knockout,knowledge-neurons]
        find-degenerate-neurons knockout_path String null [gated,replace]
        find-degenerate-neurons knockout_steps Integer null
        find-degenerate-neurons knockout_ratio Number null
        find-degenerate-neurons knockout_rounds Integer null
        find-degenerate-neurons t_low Number null
        find-degenerate-neurons t_high Number null
        find-degenerate-neurons measure String null [probability,log-probability,logit-margin]
        find-degenerate-neurons prompts Integer null
        find-degenerate-neurons aggregation String null [all,mean]
        find-degenerate-neurons same_layer String null [none,residual-stream]
        find-degenerate-neurons max_neurons Integer null
        find-degenerate-neurons recheck Boolean Boolean:True
        find-degenerate-neurons column_suffix String String:
        find-degenerate-neurons folder String String:dkn
        fine-tune-neurons preset String String:default [default,dkn-authors]
        fine-tune-neurons new_facts String String:new_facts.parquet
        fine-tune-neurons dkn_method String String:ntc
        fine-tune-neurons dkn_suffix String String:
        fine-tune-neurons variants String String:dkn,kn,random,random-kn,kn-subset,all
        fine-tune-neurons seeds Integer Int32:3
        fine-tune-neurons epochs Integer Int32:20
        fine-tune-neurons learning_rates String String:0.001,0.003,0.01,0.03
        fine-tune-neurons all_learning_rates String String:0.0001,0.0003,0.001,0.003
        fine-tune-neurons retention_weight Number Double:1
        fine-tune-neurons retention_facts Integer Int32:100
        fine-tune-neurons retention_validation_facts Integer Int32:20
        fine-tune-neurons changed_cut Number null
        fine-tune-neurons seed Integer null
        fine-tune-neurons folder String String:e1
        load-facts path String null required
        load-model path String null required
        perturb-queries preset String String:default [default,dkn-authors]
        perturb-queries kinds String null
        perturb-queries per_fact Integer null
        perturb-queries seed Integer null
        perturb-queries keep_existing Boolean Boolean:False
        perturb-queries file String String:perturbed_facts.parquet
        planted-model seed Integer null
        planted-model layers Integer Int32:4
        planted-model hidden_size Integer Int32:256
        planted-model intermediate_size Integer Int32:512
        planted-model degenerate_facts Integer Int32:24
        planted-model additive_facts Integer Int32:8
        planted-model single_facts Integer Int32:8
        planted-model min_components Integer Int32:2
        planted-model max_components Integer Int32:4
        planted-model min_depth Integer Int32:2
        planted-model max_depth Integer Int32:3
        planted-model width Integer Int32:1
        planted-model max_width Integer Int32:0
        planted-model any_start_layer Boolean Boolean:False
        planted-model distinct_reads Boolean Boolean:False
        planted-model prompt_words Integer Int32:1
        planted-model noise_neurons Integer Int32:2
        planted-model answers Integer Int32:12
        planted-model folder String String:planted-model
        planted-neurons noise Boolean Boolean:True
        planted-neurons seed Integer null
        planted-neurons truth String null
        score-planted truth String null
        score-planted folder String String:planted
        select-facts split String String:all
        select-facts relations String null
        select-facts max_per_relation Integer Int32:0
        select-facts max_facts Integer Int32:0
        select-facts seed Integer null
        select-facts file String String:selected_facts.parquet
        suppress-under-perturbation preset String String:default [default,dkn-authors]
        suppress-under-perturbation dkn_method String String:ntc
        suppress-under-perturbation dkn_suffix String String:
        suppress-under-perturbation conditions String null
        suppress-under-perturbation random_draws Integer Int32:10
        suppress-under-perturbation routes String String:activations,weights
        suppress-under-perturbation weight_mode String String:input-and-output [input-and-output,output]
        suppress-under-perturbation max_per_kind Integer Int32:0
        suppress-under-perturbation seed Integer null
        suppress-under-perturbation folder String String:r1
        synthetic-world seed Integer null
        synthetic-world entities Integer Int32:200
        synthetic-world relations Integer Int32:4
        synthetic-world templates Integer Int32:4
        synthetic-world heldout_templates Integer Int32:2
        synthetic-world answers Integer Int32:12
        synthetic-world false_answers Integer Int32:3
        synthetic-world dated Boolean Boolean:False
        synthetic-world first_year Integer Int32:2010
        synthetic-world years Integer Int32:3
        synthetic-world change_probability Number Double:0.5
        synthetic-world subject_last Boolean Boolean:False
        synthetic-world file String String:facts.parquet
        train-fact-model family String String:gpt2 [gpt2,llama]
        train-fact-model layers Integer Int32:2
        train-fact-model hidden_size Integer Int32:128
        train-fact-model heads Integer Int32:4
        train-fact-model intermediate_size Integer Int32:512
        train-fact-model max_positions Integer Int32:32
        train-fact-model tie_embeddings Boolean Boolean:True
        train-fact-model epochs Integer Int32:40
        train-fact-model batch_size Integer Int32:64
        train-fact-model learning_rate Number Double:0.003
        train-fact-model min_lr_ratio Number Double:0.1
        train-fact-model warmup_fraction Number Double:0.05
        train-fact-model schedule String String:cosine [cosine,linear,constant]
        train-fact-model weight_decay Number Double:0.01
        train-fact-model grad_clip Number Double:1
        train-fact-model loss String String:all [all,answer]
        train-fact-model answer_weight Number Double:5
        train-fact-model mlp_dropout Number Double:0
        train-fact-model label_smoothing Number Double:0
        train-fact-model mlp_groups Integer Int32:0
        train-fact-model group_dropout Number Double:0
        train-fact-model activation_l1 Number Double:0
        train-fact-model seed Integer null
        train-fact-model eval_every Integer Int32:5
        train-fact-model stop_at_accuracy Number Double:0.995
        train-fact-model cache String null
        train-fact-model device String null
        train-fact-model copy_to_output Boolean Boolean:True
        train-fact-model folder String String:model
        update-facts facts Integer Int32:40
        update-facts seed Integer null
        update-facts file String String:new_facts.parquet
        """;

    static string Describe(string step, string name, OptionSpec spec) =>
        string.Join(
            " ",
            new[]
            {
                step,
                name,
                spec.Type.ToString(),
                spec.Default is null
                    ? "null"
                    : $"{spec.Default.GetType().Name}:{Convert.ToString(spec.Default, CultureInfo.InvariantCulture)}",
                spec.Required ? "required" : null,
                spec.Choices is { } c ? $"[{string.Join(",", c)}]" : null,
            }.Where(p => p != null)
        );

    [Fact]
    public void EveryStepDeclaresTheOptionsItDeclaredBefore()
    {
        var actual = Registry.Steps.SelectMany(s => s.Options.Select(o => Describe(s.Name, o.Key, o.Value)));
        Assert.Equal(Expected.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0), actual);
    }

    [Fact]
    public void SpecsFollowTheRecordsProperties()
    {
        var dkn = StepSettings.Specs<FindDegenerateNeuronsSettings>();
        Assert.Equal(OptionType.Number, dkn["t_low"].Type);
        Assert.Null(dkn["t_low"].Default);
        Assert.Equal(["probability", "log-probability", "logit-margin"], dkn["measure"].Choices!);
        Assert.Equal(true, dkn["recheck"].Default);
        Assert.Equal("dkn", dkn["folder"].Default);
        var path = StepSettings.Specs<LoadFactsSettings>()["path"];
        Assert.True(path.Required);
        Assert.Equal(OptionType.String, path.Type);
        Assert.Null(path.Default);
        // R1 and R2 share a base record; R2's own option comes after the shared ones, and each has its folder.
        var r2 = StepSettings.Specs<EnhanceOnFailuresSettings>();
        Assert.Equal("collateral", r2.Keys.Last());
        Assert.Equal("r2", r2["folder"].Default);
        Assert.Equal("r1", StepSettings.Specs<SuppressUnderPerturbationSettings>()["folder"].Default);
        Assert.Empty(StepSettings.Specs<ReportSettings>());
    }

    [Theory]
    [InlineData("TLow", "t_low")]
    [InlineData("ActivationL1", "activation_l1")]
    [InlineData("MaxPerRelation", "max_per_relation")]
    [InlineData("Path", "path")]
    public void OptionNamesAreTheSnakeCaseOfPropertyNames(string property, string option) =>
        Assert.Equal(option, StepSettings.OptionName(property));

    // The options the validator resolves for the last step of planted-model, planted-neurons, find-degenerate-neurons
    // (and enhance-on-failures), the last one given the options.
    static ResolvedOptions Resolve(string step, string options)
    {
        var steps = new List<string> { """{"step": "planted-model"}""", """{"step": "planted-neurons"}""" };
        if (step != "find-degenerate-neurons")
            steps.Add("""{"step": "find-degenerate-neurons"}""");
        steps.Add($$"""{"step": "{{step}}", "options": {{options}}}""");
        var json = $$"""{"name": "x", "steps": [{{string.Join(", ", steps)}}]}""";
        return PipelineValidator.Validate(PipelineDefinition.Parse(json, "x"), Registry).Steps[^1].Options;
    }

    [Fact]
    public void BindingGivesTheRecordTheTypedValues()
    {
        var resolved = Resolve(
            "find-degenerate-neurons",
            """{"preset": "graph", "t_low": 0.1, "knockout_steps": 7, "recheck": false, "methods": "ntc,dbscan"}"""
        );
        var s = StepSettings.Bind<FindDegenerateNeuronsSettings>(resolved);
        Assert.Equal("graph", s.Preset);
        Assert.Equal(0.1, s.TLow);
        Assert.Null(s.THigh); // unset
        Assert.Equal(7, s.KnockoutSteps);
        Assert.False(s.Recheck);
        Assert.Equal("ntc,dbscan", s.Methods);
        Assert.Equal("dkn", s.Folder); // the default
        Assert.Equal("", s.ColumnSuffix);
        // Written back, the record is the JSON the manifest records for the validated options.
        Assert.Equal(resolved.ToJson().ToJsonString(), StepSettings.ToJson(s).ToJsonString());
        Assert.Equal(
            """{"knockout_steps":7,"methods":"ntc,dbscan","preset":"graph","recheck":false,"t_low":0.1}""",
            StepSettings.ToJson(s, changedOnly: true).ToJsonString()
        );
    }

    [Fact]
    public void BindingAllSharedAndOwnOptionsOfADerivedRecord()
    {
        var s = StepSettings.Bind<EnhanceOnFailuresSettings>(
            Resolve("enhance-on-failures", """{"collateral": 3, "seed": 5, "routes": "weights"}""")
        );
        Assert.Equal((3, 5, "weights", "r2", 10), (s.Collateral, s.Seed, s.Routes, s.Folder, s.RandomDraws));
    }

    [Fact]
    public void ARecordBuiltInCodeValidatesAsItsJson()
    {
        var settings = new FindDegenerateNeuronsSettings { Preset = "dkn-authors", Prompts = 2 };
        var json = StepSettings.ToJson(settings, changedOnly: true).ToJsonString();
        Assert.Equal("""{"preset":"dkn-authors","prompts":2}""", json);
        Assert.Equal(
            settings,
            StepSettings.Bind<FindDegenerateNeuronsSettings>(Resolve("find-degenerate-neurons", json))
        );
    }

    [Fact]
    public void TheGivenOptionsOfARecordAreWrittenInTheirOrderLeavingOutUnsetOnes()
    {
        var settings = new FindDegenerateNeuronsSettings
        {
            Preset = "default",
            Methods = "ntc",
            TLow = null,
            THigh = 0.25,
            Folder = ".",
        };
        Assert.Equal(
            """{"preset":"default","methods":"ntc","t_high":0.25,"folder":"."}""",
            StepSettings
                .ToJson(settings, s => s.Preset, s => s.Methods, s => s.TLow, s => s.THigh, s => s.Folder)
                .ToJsonString()
        );
        var r2 = new EnhanceOnFailuresSettings { RandomDraws = 4, Collateral = 2 };
        Assert.Equal(
            """{"random_draws":4,"collateral":2}""",
            StepSettings.ToJson(r2, s => s.RandomDraws, s => s.Collateral).ToJsonString()
        );
        Assert.Throws<ArgumentException>(() => StepSettings.ToJson(settings, s => s.ToString()));
    }
}
