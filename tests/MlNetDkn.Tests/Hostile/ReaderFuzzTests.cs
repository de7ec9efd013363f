using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.ML.Pipelines;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Hostile;

/// <summary>
/// The readers of files this project parses itself, fuzzed from valid seeds for a few seconds each: every mutated
/// input is read or refused with a DknInputException (exit code 2), never another exception, a hang or an
/// allocation sized by a hostile length field.
/// </summary>
public class ReaderFuzzTests(HostileWorld world) : IClassFixture<HostileWorld>
{
    static void Report((int Cases, int Accepted) result, string name)
    {
        Assert.True(result.Cases >= 20, $"{name}: only {result.Cases} cases ran");
        Console.WriteLine($"{name}: {result.Cases} cases, {result.Accepted} read, the rest refused");
    }

    static byte[] Safetensors(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((long)json.Length), .. json, .. new byte[dataBytes]];
    }

    [Fact]
    public void SafetensorsHeaders()
    {
        var file = Path.Combine(SharedPaths.TempDir("fuzz-safetensors"), "model.safetensors");
        byte[][] seeds =
        [
            Safetensors(
                "{\"__metadata__\":{\"format\":\"pt\"},"
                    + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                    + "\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]}}",
                24
            ),
            Safetensors("""{"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}}""", 6),
        ];
        // Half the cases edit the header as JSON (keeping its length field right), half the raw bytes.
        byte[] Mutate(Random random, byte[] seed)
        {
            if (random.Next(2) == 0)
                return MutationFuzzer.MutateBytes(random, seed);
            long length = BitConverter.ToInt64(seed, 0);
            var header = MutationFuzzer.MutateJson(random, seed[8..(int)(8 + length)]);
            return [.. BitConverter.GetBytes((long)header.Length), .. header, .. seed[(int)(8 + length)..]];
        }
        Report(
            MutationFuzzer.Run(
                "safetensors",
                seeds,
                bytes =>
                {
                    File.WriteAllBytes(file, bytes);
                    foreach (var tensor in SafetensorsFile.Open(file).ReadAll().Values)
                        tensor.Dispose();
                },
                Mutate
            ),
            "safetensors"
        );
    }

    [Fact]
    public void TokenizerJson()
    {
        var folder = SharedPaths.TempDir("fuzz-tokenizer");
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"model_type":"llama"}""");
        byte[][] seeds =
        [
            File.ReadAllBytes(Path.Combine(world.Model, "tokenizer.json")),
            Encoding.UTF8.GetBytes(
                "{\"version\":\"1.0\",\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},"
                    + "\"merges\":[\"a b\"]},\"pre_tokenizer\":{\"type\":\"ByteLevel\"},\"added_tokens\":[]}"
            ),
        ];
        Report(
            MutationFuzzer.Run(
                "tokenizer.json",
                seeds,
                bytes =>
                {
                    File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), bytes);
                    var tokenizer = TokenizerLoader.FromModelFolder(folder);
                    foreach (var id in tokenizer.Encode("a b ab ba", addBos: false))
                        _ = tokenizer.Decode([id]);
                },
                MutationFuzzer.MutateJson
            ),
            "tokenizer.json"
        );
    }

    [Fact]
    public void PipelineJson()
    {
        var file = Path.Combine(SharedPaths.TempDir("fuzz-pipeline"), "pipeline.json");
        var registry = PipelineSteps.CreateRegistry();
        byte[][] seeds = new[] { "quickstart.json", "robustness.json", "planted.json" }
            .Select(f => File.ReadAllBytes(Path.Combine(SharedPaths.RepoRoot, "pipelines", f)))
            .ToArray();
        Report(
            MutationFuzzer.Run(
                "pipeline JSON",
                seeds,
                bytes =>
                {
                    File.WriteAllBytes(file, bytes);
                    PipelineValidator.Validate(PipelineDefinition.Load(file), registry);
                },
                MutationFuzzer.MutateJson
            ),
            "pipeline JSON"
        );
    }

    [Fact]
    public void FactParquet()
    {
        var file = Path.Combine(SharedPaths.TempDir("fuzz-parquet"), "facts.parquet");
        Report(
            MutationFuzzer.Run("fact Parquet", [File.ReadAllBytes(world.Facts)], bytes => ReadFacts(file, bytes)),
            "fact Parquet"
        );
    }

    [Fact]
    public void MetricTableParquet()
    {
        var folder = SharedPaths.TempDir("fuzz-table");
        var seed = Path.Combine(folder, "seed.parquet");
        new MlNetDkn.Metrics.MetricTable()
            .AddText("method", ["ntc", "dbscan", "ntc", "kmeans"])
            .AddInteger("facts", [3, 0, 7, 1])
            .AddNumber("share", [0.5, double.NaN, 1.0, 0.25])
            .WriteParquet(seed, new Dictionary<string, string> { ["mlnetdkn.table"] = "seed" });
        var file = Path.Combine(folder, "table.parquet");
        Report(MutationFuzzer.Run("metric table Parquet", [File.ReadAllBytes(seed)], bytes =>
            {
                File.WriteAllBytes(file, bytes);
                MlNetDkn.Metrics.MetricTable.ReadParquet(file);
                MlNetDkn.Metrics.MetricTable.ReadParquetMetadata(file);
            }), "metric table Parquet");
    }

    static void ReadFacts(string file, byte[] bytes)
    {
        File.WriteAllBytes(file, bytes);
        FactDataset.Read(file);
    }

    /// <summary>Fact Parquet cases that once failed, replayed by case seed, must be refused: 65957327 lengthens a
    /// footer string so the rest of the footer reads as garbage, on which Parquet.Net's Thrift reader looped without
    /// end. The CLI refuses the same file with exit 2 and one line naming it.</summary>
    [Theory]
    [InlineData(65957327)]
    public void FactParquetRegressions(int caseSeed)
    {
        var file = Path.Combine(SharedPaths.TempDir("fuzz-parquet-regression"), "facts.parquet");
        byte[] input = [];
        bool accepted = MutationFuzzer.Replay("fact Parquet", caseSeed, [File.ReadAllBytes(world.Facts)], bytes =>
        {
            input = bytes;
            ReadFacts(file, bytes);
        });
        Assert.False(accepted, $"case {caseSeed} was read");
        var refused = Path.Combine(SharedPaths.TempDir("fuzz-parquet-cli"), "facts.parquet");
        File.WriteAllBytes(refused, input);
        var output = Path.Combine(SharedPaths.TempDir("fuzz-parquet-cli-out"), "out");
        var (code, _, err) = CliRunner.Run(HostileWorld.Attribute(world.Model, refused, output));
        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(refused, err);
        Assert.False(Directory.Exists(output), "the refused run created its output folder");
    }

    [Fact]
    public void PipelineArchiveManifest()
    {
        // Beside the finished run, so the model path stored relative to the archive resolves as it did there.
        var folder = world.CopyOfRun();
        var archive = Path.Combine(folder, "pipeline.zip");
        var entries = new Dictionary<string, byte[]>();
        using (var zip = ZipFile.OpenRead(archive))
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                entries[entry.FullName] = memory.ToArray();
            }
        byte[] Zip(byte[] manifest)
        {
            using var memory = new MemoryStream();
            using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var (name, bytes) in entries)
                {
                    using var stream = zip.CreateEntry(name).Open();
                    stream.Write(name == "manifest.json" ? manifest : bytes);
                }
            return memory.ToArray();
        }
        // Mostly the manifest edited as JSON inside a sound zip; sometimes the zip's own bytes.
        byte[] Mutate(Random random, byte[] seed) =>
            random.Next(4) == 0
                ? MutationFuzzer.MutateBytes(random, seed)
                : Zip(MutationFuzzer.MutateJson(random, entries["manifest.json"]));
        var target = Path.Combine(folder, "fuzzed.zip");
        var ml = new MLContext(1);
        Report(
            MutationFuzzer.Run(
                "pipeline.zip",
                [Zip(entries["manifest.json"])],
                bytes =>
                {
                    File.WriteAllBytes(target, bytes);
                    var chain = ml.KnowledgeNeurons().Load(target, out _);
                    (chain as IDisposable)?.Dispose();
                },
                Mutate
            ),
            "pipeline.zip"
        );
    }
}
