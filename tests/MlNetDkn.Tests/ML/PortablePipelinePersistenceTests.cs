using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Internal;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

/// <summary>
/// A saved pipeline references its model by content hash and by a path relative to the archive: moved together they
/// load as they are, moved apart they load with the model's folder given, and a model with other content is refused.
/// The archive is untrusted input: damaged or tampered archives are refused with one line (exit 2 from `dkn apply`)
/// before anything is written.
/// </summary>
public class PortablePipelinePersistenceTests
{
    static string CopyModel(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(StoryFacts.ModelPath))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    static IEstimator<ITransformer> Pipeline(MLContext ml, string model, string store) =>
        ml
            .Transforms.Text.NormalizeText("subject_normalized", FactColumns.Subject)
            .Append(ml.KnowledgeNeurons().AttributeKnowledgeNeurons(model, KnOptions, store));

    /// <summary>root/model (a copy of the story model), root/run/pipeline.zip and root/run/store; the outputs of the
    /// fitted pipeline.</summary>
    static IReadOnlyList<string> FitAndSave(string root)
    {
        var model = CopyModel(Path.Combine(root, "model"));
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var fitted = Pipeline(ml, model, Path.Combine(root, "run", "store")).Fit(facts);
        using var release = (IDisposable)fitted;
        ml.KnowledgeNeurons().Save(fitted, facts.Schema, Path.Combine(root, "run", "pipeline.zip"));
        return DataViewDump.Of(fitted.Transform(facts));
    }

    static (IReadOnlyList<string> Dump, int Computed) LoadAndRun(string archive, string? modelFolder = null)
    {
        var ml = new MLContext(seed: 2);
        using var loaded = ml.KnowledgeNeurons().Load(archive, out _, modelFolder: modelFolder);
        var dump = DataViewDump.Of(loaded.Transform(ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset())));
        return (dump, loaded.OfType<KnowledgeNeuronAttributingTransformer>().Single().PromptsComputed);
    }

    [Fact]
    public void TheArchiveStoresNoAbsolutePathAndLoadsAfterMovingWithItsModelOrWithTheModelFolderGiven()
    {
        var root = SharedPaths.TempDir("portable");
        var before = FitAndSave(root);
        var options = OptionsOf(Path.Combine(root, "run", "pipeline.zip"));
        Assert.Equal("../model", options["ModelPath"]!.GetValue<string>());
        Assert.Equal("store", options["Folder"]!.GetValue<string>());
        using (var zip = ZipFile.OpenRead(Path.Combine(root, "run", "pipeline.zip")))
        using (var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open()))
            Assert.DoesNotContain(root, reader.ReadToEnd());

        // Moved together: the relative paths still hold; the store moved along, so nothing is recomputed.
        var moved = Path.Combine(SharedPaths.TempDir("portable-moved"), "elsewhere");
        Directory.Move(root, moved);
        var archive = Path.Combine(moved, "run", "pipeline.zip");
        var (together, computed) = LoadAndRun(archive);
        Assert.Equal(before, together);
        Assert.Equal(0, computed);

        // The model moved away: refused with one line that says how to point at it; then loaded with the override.
        var model = Path.Combine(SharedPaths.TempDir("portable-model"), "stories");
        Directory.Move(Path.Combine(moved, "model"), model);
        var e = Assert.Throws<DknInputException>(() => LoadAndRun(archive));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(archive + ": no model at " + Path.Combine(moved, "model"), e.Message);
        Assert.Contains("modelFolder", e.Message);
        var (apart, _) = LoadAndRun(archive, modelFolder: model);
        Assert.Equal(before, apart);
        Assert.Equal(0, SharedResources.LiveCount);
    }

    [Fact]
    public void AModelFolderWhoseContentHashDiffersIsRefusedNamingTheArchiveAndBothHashes()
    {
        var root = SharedPaths.TempDir("portable-hash");
        FitAndSave(root);
        var archive = Path.Combine(root, "run", "pipeline.zip");
        var other = CopyModel(Path.Combine(SharedPaths.TempDir("portable-other"), "model"));
        var weights = Path.Combine(other, "stories260K.bin");
        var bytes = File.ReadAllBytes(weights);
        bytes[^8] ^= 0x10;
        File.WriteAllBytes(weights, bytes);

        var expected = ModelLoader.ContentHash(Path.Combine(root, "model"));
        var found = ModelLoader.ContentHash(other);
        Assert.NotEqual(expected, found);
        var e = Assert.Throws<DknInputException>(() => LoadAndRun(archive, modelFolder: other));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(
            $"{archive}: the model at {other} has content hash {found}, but the pipeline was fitted on a model "
                + $"with content hash {expected} "
                + "(stage 1, 'knowledge-neurons'); pass the model it was fitted with, or refit",
            e.Message
        );
        Assert.Equal(0, SharedResources.LiveCount); // refused before any model was loaded
    }

    static JsonObject OptionsOf(string archive)
    {
        using var zip = ZipFile.OpenRead(archive);
        using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
        var manifest = JsonNode.Parse(reader.ReadToEnd())!;
        return manifest["stages"]!.AsArray().Select(s => s!["options"]).OfType<JsonObject>().Single();
    }

    /// <summary>Rewrites a copy of the archive: <paramref name="edit"/> gets every entry's bytes by name and changes
    /// them.</summary>
    static string Tampered(string archive, string name, Action<Dictionary<string, byte[]>> edit)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var zip = ZipFile.OpenRead(archive))
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                entries[entry.FullName] = memory.ToArray();
            }
        edit(entries);
        var path = Path.Combine(Path.GetDirectoryName(archive)!, name + ".zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            foreach (var (entryName, bytes) in entries)
            {
                using var stream = zip.CreateEntry(entryName).Open();
                stream.Write(bytes);
            }
        return path;
    }

    static Action<Dictionary<string, byte[]>> EditManifest(Action<JsonObject> edit) =>
        entries =>
        {
            var manifest = JsonNode.Parse(entries["manifest.json"])!.AsObject();
            edit(manifest);
            entries["manifest.json"] = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        };

    static JsonObject Options(JsonObject manifest) =>
        manifest["stages"]!.AsArray().Select(s => s!["options"]).OfType<JsonObject>().Single();

    [Fact]
    public void DamagedOrTamperedArchivesAreRefusedByApplyWithOneLineAndExitTwoWritingNothing()
    {
        var root = SharedPaths.TempDir("hostile");
        FitAndSave(root);
        var archive = Path.Combine(root, "run", "pipeline.zip");
        var facts = Path.Combine(root, "facts.parquet");
        StoryFacts.Dataset().Write(facts);
        var notZip = Path.Combine(root, "run", "not-a-zip.zip");
        File.WriteAllText(notZip, "this is not a zip archive");

        (string Archive, string Expected)[] cases =
        [
            (notZip, "not a zip archive"),
            (
                Tampered(archive, "parent", e => e["../escape.txt"] = [1, 2, 3]),
                "entry '../escape.txt' has an unsafe path"
            ),
            (
                Tampered(archive, "absolute", e => e["/tmp/escape.txt"] = [1, 2, 3]),
                "entry '/tmp/escape.txt' has an unsafe path"
            ),
            (Tampered(archive, "unknown", e => e["notes.txt"] = [1, 2, 3]), "unknown entry 'notes.txt'"),
            (
                Tampered(archive, "missing", e => e.Remove("stages/00.zip")),
                "entry 'stages/00.zip' (stage 0) missing from the archive"
            ),
            (
                Tampered(archive, "bomb", e =>
                    e["manifest.json"] = [.. e["manifest.json"], .. new byte[5 << 20].Select(_ => (byte)' ')]
                ),
                "entry 'manifest.json' is larger than 4 MiB uncompressed"
            ),
            (
                Tampered(archive, "not-mlnet", e => e["input-schema.zip"] = [1, 2, 3, 4]),
                "entry 'input-schema.zip' is not a readable ML.NET model"
            ),
            (Tampered(archive, "wrong-type", EditManifest(m => m["stages"] = 5)), "unreadable manifest.json"),
            (
                Tampered(archive, "unknown-kind", EditManifest(m => m["stages"]![1]!["kind"] = "format-disk")),
                "stage 1 has unknown kind 'format-disk'"
            ),
            (
                Tampered(archive, "absolute-model", EditManifest(m => Options(m)["ModelPath"] = "/etc")),
                "'ModelPath' is an absolute path ('/etc')"
            ),
            (
                Tampered(archive, "model-number", EditManifest(m => Options(m)["ModelPath"] = 7)),
                "'ModelPath' must be a string, not Number"
            ),
            (
                Tampered(archive, "escape-tables", EditManifest(m => Options(m)["TablesFolder"] = "../../escape")),
                "'TablesFolder' '../../escape' is not a plain relative folder name"
            ),
            (
                Tampered(
                    archive,
                    "other-hash",
                    EditManifest(m => m["stages"]![1]!["model_hash"] = new string('a', 64))
                ),
                $"but the pipeline was fitted on a model with content hash {new string('a', 64)}"
            ),
        ];
        foreach (var (tampered, expected) in cases)
        {
            var output = Path.Combine(root, "out-" + Path.GetFileNameWithoutExtension(tampered));
            var (code, _, stderr) = CliRunner.Run("apply", tampered, "--data", facts, "--out", output);
            Assert.True(code == 2, $"{tampered}: exit {code}, {stderr}");
            var line = stderr.TrimEnd('\n');
            Assert.DoesNotContain('\n', line);
            Assert.StartsWith($"error: {tampered}: ", line);
            Assert.Contains(expected, line);
            Assert.False(Directory.Exists(output), $"{tampered}: {output} was created");
        }
        Assert.Equal(0, SharedResources.LiveCount);
        Assert.False(Directory.Exists(Path.Combine(root, "escape")));

        // The untampered archive applies.
        var (ok, _, err) = CliRunner.Run("apply", archive, "--data", facts, "--out", Path.Combine(root, "out-ok"));
        Assert.True(ok == 0, err);
    }
}
