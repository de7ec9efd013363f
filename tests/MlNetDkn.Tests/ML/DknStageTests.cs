using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.ML;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

public class DknStageTests
{
    static (IDataView Output, ITransformer Model) Run(MLContext ml, string store)
    {
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var pipeline = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, store)
            .Append(ml.KnowledgeNeurons().FindDegenerateNeurons(StoryFacts.ModelPath, DknOpts, store));
        var model = pipeline.Fit(facts);
        return (model.Transform(facts), model);
    }

    [Fact]
    public void DknColumnsEqualTheDatasetRunnerCalledDirectly()
    {
        List<DknRecord> expected;
        using (var session = ModelSession.Open(StoryFacts.ModelPath))
        using (var kn = new AttributionStore(SharedPaths.TempDir("direct-store")))
        using (var dkn = DknStage.OpenStore(SharedPaths.TempDir("direct-dkn")))
        {
            var records = StoryFacts.Dataset().Records;
            var facts = new FactAttributionRunner(session, KnOptions, kn).RunAll(records).ToList();
            var stage = new DknStage(
                session,
                new DknStageOptions
                {
                    Dkn = DknOpts,
                    Candidates = MlNetDkn.Degeneracy.Acquisition.CandidateSource.KnowledgeNeurons,
                },
                dkn
            );
            expected = records.Zip(facts, (r, f) => stage.Run(r, f.Neurons)).ToList();
        }

        var ml = new MLContext(seed: 1);
        var (output, transformer) = Run(ml, SharedPaths.TempDir("ml-store"));
        using var _ = transformer as IDisposable;

        var schema = output.Schema;
        Assert.Equal(
            new VectorDataViewType(TextDataViewType.Instance),
            schema[KnowledgeNeuronColumns.DknComponents].Type
        );
        Assert.Equal(BooleanDataViewType.Instance, schema[KnowledgeNeuronColumns.IsDkn].Type);
        Assert.Equal(NumberDataViewType.Single, schema[KnowledgeNeuronColumns.DknComponentCount].Type);
        Assert.Equal(NumberDataViewType.Single, schema[KnowledgeNeuronColumns.DknJointDrop].Type);
        Assert.Equal(["Ntc", "Ntc", "Ntc", "Ntc"], Texts(output, KnowledgeNeuronColumns.DknMethod));
        Assert.Equal(
            expected.Select(r => (float)r.BaselineProbability),
            Column<float>(output, KnowledgeNeuronColumns.DknBaselineProbability)
        );

        // Not vacuous: with the authors' lenient check some facts have dispensable clusters on this model (one alone is
        // not a DKN and says so).
        Assert.Contains(expected, r =>
            r.Methods.Any(m => m.IsDkn || m.Rejection?.StartsWith(FunctionalCheck.Rejections.SingleComponent) == true)
        );
        foreach (var method in DknOpts.Methods)
        {
            var records = expected.Select(r => r.Methods.Single(m => m.Method == method.ToString())).ToList();
            string Name(string column) => KnowledgeNeuronColumns.ForMethod(column, method);
            Assert.Equal(
                records.Select(m => m.Components.Select(c => string.Join(";", c)).ToArray()),
                TextVectors(output, Name(KnowledgeNeuronColumns.DknComponents))
            );
            Assert.Equal(
                records.Select(m => (float)m.Components.Length),
                Column<float>(output, Name(KnowledgeNeuronColumns.DknComponentCount))
            );
            Assert.Equal(
                records.Select(m => m.IsDkn && m.Components.Length >= 2),
                Column<bool>(output, Name(KnowledgeNeuronColumns.IsDkn))
            );
            Assert.Equal(
                records.Select(m => (float)(m.JointDrop ?? double.NaN)),
                Column<float>(output, Name(KnowledgeNeuronColumns.DknJointDrop))
            );
        }
        // The unsuffixed columns are the primary method's.
        Assert.Equal(
            TextVectors(
                output,
                KnowledgeNeuronColumns.ForMethod(KnowledgeNeuronColumns.DknComponents, ClusteringMethod.Ntc)
            ),
            TextVectors(output, KnowledgeNeuronColumns.DknComponents)
        );
        Assert.Equal(
            Column<bool>(output, KnowledgeNeuronColumns.ForMethod(KnowledgeNeuronColumns.IsDkn, ClusteringMethod.Ntc)),
            Column<bool>(output, KnowledgeNeuronColumns.IsDkn)
        );
    }

    [Fact]
    public void RefitOverTheSameStoresRecomputesNothingAndComposesWithBuiltIns()
    {
        var ml = new MLContext(seed: 1);
        var store = SharedPaths.TempDir("ml-store");
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var pipeline = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, store)
            .Append(ml.KnowledgeNeurons().FindDegenerateNeurons(StoryFacts.ModelPath, DknOpts, store))
            .Append(
                ml.Transforms.Concatenate(
                    "DknNumbers",
                    KnowledgeNeuronColumns.DknBaselineProbability,
                    KnowledgeNeuronColumns.DknJointDrop
                )
            );

        string[][] first;
        using (var model = pipeline.Fit(facts))
        {
            var output = model.Transform(facts);
            first = TextVectors(output, KnowledgeNeuronColumns.DknComponents);
            var numbers = FloatVectors(output, "DknNumbers");
            var tidy = output.ToDknComponentsDataFrame();
            Assert.Equal(first.Sum(f => f.Sum(c => c.Split(';').Length)), tidy.Rows.Count);
            if (tidy.Rows.Count > 0)
            {
                var fact = Array.FindIndex(first, f => f.Length > 0);
                Assert.Equal(first[fact][0].Split(';')[0], $"{tidy["layer"][0]}:{tidy["index"][0]}");
                Assert.Equal(0, tidy["component"][0]);
            }
            Assert.Equal(
                Column<float>(output, KnowledgeNeuronColumns.DknBaselineProbability),
                numbers.Select(n => n[0])
            );
        }
        Assert.Equal(4, StoreLines(Path.Combine(store, "store"), DknStage.StoreFileName));

        using (var model = pipeline.Fit(facts))
        {
            Assert.Equal(first, TextVectors(model.Transform(facts), KnowledgeNeuronColumns.DknComponents));
            var dkn = model.OfType<MlNetDkn.ML.Degeneracy.DegenerateNeuronFindingTransformer>().Single();
            var kn = model.OfType<MlNetDkn.ML.Attribution.KnowledgeNeuronAttributingTransformer>().Single();
            Assert.Equal((0, 4), (dkn.FactsComputed, dkn.FactsReused));
            Assert.Equal((0, 8), (kn.PromptsComputed, kn.PromptsReused));
        }
        Assert.Equal(4, StoreLines(Path.Combine(store, "store"), DknStage.StoreFileName));
        Assert.Equal(8, StoreLines(Path.Combine(store, "store"), AttributionStore.FileName));
    }

    [Fact]
    public void ReadsKnowledgeNeuronsFromAnySourceAndNamesBadOnes()
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        // Knowledge neurons given by a built-in transform (no attribution stage): a fixed pair for every fact.
        var given = ml
            .Transforms.CustomMapping(
                (FactIdRow _, NeuronsRow o) => o.KnowledgeNeurons = ["0:1", "1:2"],
                contractName: null
            )
            .Fit(facts)
            .Transform(facts);
        using var dkn = ml.KnowledgeNeurons()
            .FindDegenerateNeurons(StoryFacts.ModelPath, DknOpts, SharedPaths.TempDir("ml-store"))
            .Fit(given);
        var output = dkn.Transform(given);
        Assert.Equal(4, Column<float>(output, KnowledgeNeuronColumns.DknBaselineProbability).Count(p => p > 0));

        var bad = ml
            .Transforms.CustomMapping(
                (FactIdRow _, NeuronsRow o) => o.KnowledgeNeurons = ["zero:1"],
                contractName: null
            )
            .Fit(facts)
            .Transform(facts);
        var e = Assert.Throws<DknInputException>(() => Column<bool>(dkn.Transform(bad), KnowledgeNeuronColumns.IsDkn));
        Assert.Contains("'zero:1'", e.Message);

        var noNeurons = ml.KnowledgeNeurons()
            .FindDegenerateNeurons(StoryFacts.ModelPath, DknOpts, SharedPaths.TempDir("ml-store"));
        e = Assert.Throws<DknInputException>(() => noNeurons.Fit(facts));
        Assert.Contains($"'{KnowledgeNeuronColumns.KnowledgeNeurons}'", e.Message);
        Assert.Contains("no knowledge neurons", e.Message);
        e = Assert.Throws<DknInputException>(() =>
            ml.KnowledgeNeurons().FindDegenerateNeurons(StoryFacts.ModelPath, DknOpts, method: ClusteringMethod.Dbscan)
        );
        Assert.Contains("Dbscan", e.Message);
    }

    public sealed class FactIdRow
    {
        [ColumnName("fact_id")]
        public string FactId { get; set; } = "";
    }

    public sealed class NeuronsRow
    {
        [ColumnName(KnowledgeNeuronColumns.KnowledgeNeurons)]
        public string[] KnowledgeNeurons { get; set; } = [];
    }
}
