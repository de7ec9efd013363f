using System.Text;
using System.Text.Json.Nodes;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using Parquet;
using Parquet.Schema;

namespace MlNetDkn.Tests.Cli;

/// <summary>
/// Bad input as a hostile user gives it: every case ends in one line naming the file, key or argument and what was
/// expected, exit code 2, no libtorch backtrace; files the ecosystem writes are read.
/// </summary>
public class HostileInputTests
{
    static readonly string Gpt2 = Path.Combine(SharedPaths.Golden, "gpt2");

    static void AssertCleanError((int ExitCode, string Out, string Err) result, string expected)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Err}");
        Assert.Contains(expected, result.Err);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.DoesNotContain("frame #", result.Err);
        Assert.True(result.Err.Trim().Split('\n').Length == 1, result.Err);
    }

    static string ModelWith(string edit)
    {
        var folder = SharedPaths.TempDir("bad-config");
        File.Copy(Path.Combine(Gpt2, "model.safetensors"), Path.Combine(folder, "model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Gpt2, "config.json")))!.AsObject();
        foreach (var (k, v) in JsonNode.Parse(edit)!.AsObject())
            config[k] = v?.DeepClone();
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        return folder;
    }

    [Theory]
    [InlineData("""{"n_embd": "32"}""", "'n_embd' must be an integer, got \"32\"")]
    [InlineData("""{"n_layer": 2.5}""", "'n_layer' must be an integer, got 2.5")]
    [InlineData("""{"n_head": 0}""", "n_head = 0: the number of attention heads must be at least 1")]
    [InlineData("""{"n_layer": -1}""", "number of layers must be at least 1 (got -1)")]
    [InlineData("""{"n_layer": 60000, "n_inner": 1000000}""", "GiB for its")]
    [InlineData("""{"vocab_size": 0}""", "vocabulary size must be at least 1")]
    [InlineData("""{"activation_function": "mish"}""", "activation 'mish' is not supported")]
    [InlineData("""{"layer_norm_epsilon": "tiny"}""", "'layer_norm_epsilon' must be a finite number")]
    public void BadConfigValuesNameTheFileAndKey(string edit, string expected)
    {
        var model = ModelWith(edit);
        var result = CliRunner.Run("inspect", "--model", model, "--tokens", "1,2");
        AssertCleanError(result, expected);
        Assert.Contains(model, result.Err);
    }

    [Fact]
    public void NeoXPartialRotaryOutOfRangeIsRefused()
    {
        var folder = SharedPaths.TempDir("bad-neox");
        var source = Path.Combine(SharedPaths.Golden, "gpt_neox");
        File.Copy(Path.Combine(source, "model.safetensors"), Path.Combine(folder, "model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!.AsObject();
        config.Remove("rope_parameters");
        config["rotary_pct"] = 3;
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        AssertCleanError(
            CliRunner.Run("inspect", "--model", folder, "--tokens", "1,2"),
            "partial rotary factor must be in (0, 1] (got 3)"
        );
    }

    [Fact]
    public void OverlappingTensorsAndNonFiniteWeightsAreRefused()
    {
        // Two tensors declared on the same bytes.
        var overlap = SharedPaths.TempDir("overlap");
        var header = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """;
        var bytes = Encoding.UTF8.GetBytes(header);
        var file = Path.Combine(overlap, "model.safetensors");
        using (var s = File.Create(file))
        {
            s.Write(BitConverter.GetBytes((long)bytes.Length));
            s.Write(bytes);
            s.Write(new byte[12]);
        }
        var e = Assert.Throws<MlNetDkn.Modeling.Checkpoints.CheckpointException>(() =>
            MlNetDkn.Modeling.Checkpoints.SafetensorsFile.Open(file)
        );
        Assert.Contains("'a' (bytes 0–8) and 'b' (bytes 4–12) overlap", e.Message);

        // A golden model with one weight set to NaN.
        var nan = SharedPaths.TempDir("nan-weights");
        File.Copy(Path.Combine(Gpt2, "config.json"), Path.Combine(nan, "config.json"));
        using (var loaded = ModelLoader.Load(Gpt2))
        {
            using var noGrad = TorchSharp.torch.no_grad();
            loaded.Model.named_parameters().First(p => p.name.EndsWith("mlp.c_fc.weight")).parameter[0, 0] = float.NaN;
            MlNetDkn.Modeling.Checkpoints.HuggingFaceExport.Save(loaded.Model, nan);
        }
        AssertCleanError(CliRunner.Run("inspect", "--model", nan, "--tokens", "1,2"), "holds NaN values");
    }

    [Fact]
    public void AnUnsupportedTokenizerIsAnErrorNotTheBundledVocabulary()
    {
        var folder = SharedPaths.TempDir("unigram");
        foreach (var f in Directory.GetFiles(Gpt2))
            File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        File.WriteAllText(
            Path.Combine(folder, "tokenizer.json"),
            """{"version":"1.0","model":{"type":"Unigram","vocab":{"a":0}}}"""
        );
        AssertCleanError(CliRunner.Run("inspect", "--model", folder, "--text", "hello"), "Unigram tokenizer");
    }

    [Theory]
    [InlineData(new[] { "--top", "-3" }, "--top must be at least 1")]
    [InlineData(new[] { "--greedy", "500" }, "exceed the model's 64 positions")]
    [InlineData(new[] { "--frobnicate" }, "Unknown option 'frobnicate'")]
    [InlineData(new[] { "--dtpye", "float64" }, "Unknown option 'dtpye'")]
    [InlineData(new[] { "--threads", "-2" }, "threads must be 0")]
    [InlineData(new[] { "--greedy", "abc" }, "--greedy: expected a whole number, got 'abc'")]
    [InlineData(new[] { "--top=x1" }, "--top: expected a whole number, got 'x1'")]
    public void BadInspectArgumentsAreNamed(string[] extra, string expected) =>
        AssertCleanError(CliRunner.Run(["inspect", "--model", Gpt2, "--tokens", "1,2", .. extra]), expected);

    [Theory]
    [InlineData("topk:-5", "k must be a whole number of at least 1")]
    [InlineData("ratio:NaN", "the ratio must be in (0, 1]")]
    [InlineData("ratio:5", "the ratio must be in (0, 1]")]
    [InlineData("percentile:120", "the percentile must be in [0, 100)")]
    public void BadThresholdsAreRefused(string threshold, string expected) =>
        AssertCleanError(
            CliRunner.Run(
                "attribute",
                "--model",
                Gpt2,
                "--tokens",
                "1,2,3",
                "--target-token",
                "5",
                "--threshold",
                threshold
            ),
            expected
        );

    [Fact]
    public void OutOfRangeTokensPositionsAndNeuronListsAreNamed()
    {
        AssertCleanError(
            CliRunner.Run("inspect", "--model", Gpt2, "--tokens", string.Join(",", Enumerable.Repeat("1", 80))),
            "longer than the model's 64 positions"
        );
        AssertCleanError(
            CliRunner.Run(
                "attribute",
                "--model",
                Gpt2,
                "--tokens",
                "1,2,3",
                "--target-token",
                "5",
                "--option",
                "mask-token=9999"
            ),
            "token id 9999"
        );
        AssertCleanError(
            CliRunner.Run("degenerate", "--model", Gpt2, "--tokens", "1,2,3", "--target-token", "5", "--neurons", ","),
            "names no neuron"
        );
    }

    [Fact]
    public void PipelineProblemsAreFoundByValidationBeforeAnyOutput()
    {
        var folder = SharedPaths.TempDir("late-validation");
        var output = Path.Combine(folder, "out");
        void Invalid(string json, string expected)
        {
            var path = Path.Combine(folder, $"p{Guid.NewGuid():N}.json");
            File.WriteAllText(path, json);
            AssertCleanError(CliRunner.Run("run", path, "--out", output), expected);
            AssertCleanError(CliRunner.Run("run", path, "--validate"), expected);
            Assert.False(Directory.Exists(output));
        }
        Invalid(
            """{"name":"x","seed":1,"seed":2,"steps":[{"step":"synthetic-world"}]}""",
            "the key 'seed' appears twice"
        );
        Invalid(
            """{"name":"x","steps":[{"step":"synthetic-world","options":{"relations":99}}]}""",
            "--relations: out of range"
        );
        Invalid(
            """
            {"name":"x","steps":[{"step":"synthetic-world"},
             {"step":"load-model","options":{"path":"/no/such/model"}}]}
            """,
            "/no/such/model: no such model folder or file"
        );
        Invalid(
            """{"name":"x","steps":[{"step":"synthetic-world"},{"step":"select-facts","options":{"max_facts":-3}}]}""",
            "max facts must be 0"
        );
        var empty = Path.Combine(folder, "empty.parquet");
        new FactDataset([]).Write(empty);
        Invalid(
            $$$"""{"name":"x","steps":[{"step":"load-facts","options":{"path":"{{{empty}}}"}}]}""",
            "has no facts (0 rows)"
        );
        AssertCleanError(
            CliRunner.Run("attribute", "--model", Gpt2, "--data", empty, "--out", output),
            "has no facts (0 rows)"
        );
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task ParquetWithRequiredColumnsAsPyarrowAndSparkWriteItIsRead()
    {
        string[] scalars = [FactColumns.FactId, FactColumns.RelationId, FactColumns.Subject, FactColumns.Answer];
        string[] lists = [FactColumns.Aliases, FactColumns.Prompts, FactColumns.FalseAnswers];
        var fields = new List<Field>();
        fields.AddRange(scalars.Select(n => (Field)new DataField<string>(n, false)));
        fields.AddRange(lists.Select(n => (Field)new ListField(n, new DataField<string>("element", false))));
        fields.Add(new DataField<string>(FactColumns.Date, true));
        fields.Add(new DataField<string>(FactColumns.Split, false));
        fields.Add(new DataField<string>(FactColumns.Source, false));
        var path = Path.Combine(SharedPaths.TempDir("required-columns"), "facts.parquet");
        using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields.ToArray()), stream);
            using var group = writer.CreateRowGroup();
            var values = new Dictionary<string, string[]>
            {
                [FactColumns.FactId] = ["f1", "f2"],
                [FactColumns.RelationId] = ["r", "r"],
                [FactColumns.Subject] = ["Ann", "Bob"],
                [FactColumns.Answer] = ["Paris", "Rome"],
            };
            foreach (var n in scalars)
                await group.WriteAsync((DataField)fields.First(f => f.Name == n), values[n], null);
            foreach (var n in lists)
            {
                var item = (DataField)((ListField)fields.First(f => f.Name == n)).Item;
                var (v, r) = n switch
                {
                    FactColumns.Prompts => (new[] { "Ann lives in", "Ann is from", "Bob lives in" }, new[] { 0, 1, 0 }),
                    FactColumns.FalseAnswers => (new[] { "Rome", "Paris" }, new[] { 0, 0 }),
                    _ => (new[] { "A.", "B." }, new[] { 0, 0 }),
                };
                await group.WriteAsync(item, v, r);
            }
            await group.WriteAsync(
                (DataField)fields.First(f => f.Name == FactColumns.Date),
                new string?[] { null, "2010" }!,
                null
            );
            await group.WriteAsync(
                (DataField)fields.First(f => f.Name == FactColumns.Split),
                new[] { "train", "train" },
                null
            );
            await group.WriteAsync(
                (DataField)fields.First(f => f.Name == FactColumns.Source),
                new[] { "spark", "spark" },
                null
            );
            group.CompleteValidate();
        }
        var dataset = FactDataset.Read(path);
        Assert.Equal(["f1", "f2"], dataset.Records.Select(r => r.FactId));
        Assert.Equal(["Ann lives in", "Ann is from"], dataset.Records[0].Prompts);
        Assert.Equal(["Paris"], dataset.Records[1].FalseAnswers);
        Assert.Null(dataset.Records[0].Date);
        Assert.Equal("2010", dataset.Records[1].Date);
        Assert.Empty(dataset.Records[0].HeldoutPrompts); // an optional column absent
    }
}
