using Microsoft.ML;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Output;
using MlNetDkn.Tests.Support;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

public class PipelinePersistenceTests
{
    /// <summary>Built-ins before, between and after both stages, so the archive holds several ML.NET parts.</summary>
    static IEstimator<ITransformer> Pipeline(MLContext ml, string modelPath, string store) =>
        ml
            .Transforms.Text.NormalizeText("subject_normalized", FactColumns.Subject)
            .Append(ml.KnowledgeNeurons().AttributeKnowledgeNeurons(modelPath, KnOptions, store))
            .Append(ml.Transforms.CopyColumns("Neurons", KnowledgeNeuronColumns.KnowledgeNeurons))
            .Append(ml.KnowledgeNeurons().FindDegenerateNeurons(modelPath, DknOpts, store))
            .Append(
                ml.Transforms.Concatenate(
                    "Numbers",
                    KnowledgeNeuronColumns.AnswerProbability,
                    KnowledgeNeuronColumns.DknBaselineProbability
                )
            );

    [Fact]
    public void SavedPipelineLoadsInANewContextWithIdenticalOutputsAndRecomputesNothing()
    {
        var store = SharedPaths.TempDir("ml-store");
        var archive = Path.Combine(SharedPaths.TempDir("ml-archive"), "pipeline.zip");
        IReadOnlyList<string> before;
        DataViewSchema savedSchema;
        {
            var ml = new MLContext(seed: 1);
            var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
            savedSchema = facts.Schema;
            var model = Pipeline(ml, StoryFacts.ModelPath, store).Fit(facts);
            using var release = (IDisposable)model;
            before = DataViewDump.Of(model.Transform(facts));
            // The dump opens a cursor per column; each fact is still computed once.
            var fitted = ((IEnumerable<ITransformer>)model).ToList();
            Assert.Equal(8, fitted.OfType<KnowledgeNeuronAttributingTransformer>().Single().PromptsComputed);
            Assert.Equal(4, fitted.OfType<DegenerateNeuronFindingTransformer>().Single().FactsComputed);
            ml.KnowledgeNeurons().Save(model, facts.Schema, archive);
        }
        // Everything is released: the load below reads the model and stores from disk again.
        Assert.Equal(0, SharedResources.LiveCount);

        var fresh = new MLContext(seed: 2);
        using var transformer = fresh.KnowledgeNeurons().Load(archive, out var inputSchema);
        Assert.Equal(
            savedSchema.Select(c => (c.Name, c.Type.ToString())),
            inputSchema.Select(c => (c.Name, c.Type.ToString()))
        );
        var data = fresh.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var after = DataViewDump.Of(transformer.Transform(data));

        Assert.Equal(before.Count, after.Count);
        Assert.True(before.Count > FactColumns.All.Count + 15, "the dump covers the added columns");
        for (int i = 0; i < before.Count; i++)
            Assert.Equal(before[i], after[i]);
        var stages = transformer.ToList();
        Assert.Equal(
            (0, 8),
            (
                stages.OfType<KnowledgeNeuronAttributingTransformer>().Single().PromptsComputed,
                stages.OfType<KnowledgeNeuronAttributingTransformer>().Single().PromptsReused
            )
        );
        Assert.Equal(0, stages.OfType<DegenerateNeuronFindingTransformer>().Single().FactsComputed);
        Assert.Equal(5, stages.Count); // mlnet, KN, mlnet, DKN, mlnet

        using var zip = System.IO.Compression.ZipFile.OpenRead(archive);
        Assert.Equal(
            ["input-schema.zip", "manifest.json", "stages/00.zip", "stages/02.zip", "stages/04.zip"],
            zip.Entries.Select(e => e.FullName).Order()
        );
        Assert.True(new FileInfo(archive).Length < 200_000, "model weights are referenced, not copied");
    }

    [Fact]
    public void SavedPipelineAppliedInAnotherProcessWritesTheSameTable()
    {
        var store = SharedPaths.TempDir("ml-store-process");
        var folder = SharedPaths.TempDir("ml-process");
        var archive = Path.Combine(folder, "pipeline.zip");
        var data = Path.Combine(folder, "facts.parquet");
        StoryFacts.Dataset().Write(data);
        var inProcess = Path.Combine(folder, "in-process.csv");
        {
            var ml = new MLContext(seed: 1);
            var facts = ml.KnowledgeNeurons().ReadFacts(data);
            var model = Pipeline(ml, StoryFacts.ModelPath, store).Fit(facts);
            using var release = (IDisposable)model;
            DataViewTables.WriteCsv(model.Transform(facts), inProcess);
            ml.KnowledgeNeurons().Save(model, facts.Schema, archive);
        }
        var outOfProcess = Path.Combine(folder, "other-process");
        var dll = Path.Combine(AppContext.BaseDirectory, "dkn.dll");
        var process = System.Diagnostics.Process.Start(
            new System.Diagnostics.ProcessStartInfo(
                "dotnet",
                [dll, "apply", archive, "--data", data, "--out", outOfProcess]
            )
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr);
        var expected = File.ReadAllText(inProcess);
        Assert.Contains(KnowledgeNeuronColumns.KnowledgeNeurons, expected.Split('\n')[0]);
        Assert.Equal(expected, File.ReadAllText(Path.Combine(outOfProcess, "results.csv")));
    }

    [Fact]
    public void LoadFailsClearlyWhenTheModelFileChanged()
    {
        var modelFolder = SharedPaths.TempDir("model-copy");
        foreach (var file in Directory.GetFiles(StoryFacts.ModelPath))
            File.Copy(file, Path.Combine(modelFolder, Path.GetFileName(file)));
        var archive = Path.Combine(SharedPaths.TempDir("ml-archive"), "pipeline.zip");
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        using (
            var model = ml.KnowledgeNeurons()
                .AttributeKnowledgeNeurons(modelFolder, KnOptions, SharedPaths.TempDir("ml-store"))
                .Fit(facts)
        )
            ml.KnowledgeNeurons().Save(model, facts.Schema, archive);

        // Unchanged: loads.
        using (ml.KnowledgeNeurons().Load(archive, out _)) { }

        var weights = Path.Combine(modelFolder, "stories260K.bin");
        var saved = MlNetDkn.Modeling.ModelLoader.ContentHash(modelFolder);
        var bytes = File.ReadAllBytes(weights);
        bytes[^100] ^= 0x01; // one bit of one weight
        File.WriteAllBytes(weights, bytes);
        var found = MlNetDkn.Modeling.ModelLoader.ContentHash(modelFolder);
        Assert.NotEqual(saved, found);
        var e = Assert.Throws<DknInputException>(() => ml.KnowledgeNeurons().Load(archive, out _));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(archive + ": ", e.Message);
        Assert.Contains($"content hash {found}", e.Message);
        Assert.Contains($"fitted on a model with content hash {saved}", e.Message);
        Assert.Contains(modelFolder, e.Message);
        Assert.Equal(0, SharedResources.LiveCount); // nothing leaked by the failed load
    }

    [Fact]
    public void ModelSaveOfAHandWrittenStageExplainsWhereToGo()
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        using var model = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, SharedPaths.TempDir("ml-store"))
            .Fit(facts);
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, facts.Schema, new MemoryStream()));
        Assert.Contains("KnowledgeNeurons().Save", e.ToString());
    }

    [Fact]
    public void LoadRejectsAFileThatIsNotASavedPipeline()
    {
        var path = Path.Combine(SharedPaths.TempDir("ml-archive"), "other.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        using (var w = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
            w.Write("{\"format\":\"something-else\"}");
        var e = Assert.Throws<DknInputException>(() => new MLContext().KnowledgeNeurons().Load(path, out _));
        Assert.Contains("not a saved knowledge-neuron pipeline", e.Message);
    }
}
