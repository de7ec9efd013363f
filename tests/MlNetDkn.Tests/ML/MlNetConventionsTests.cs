using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.Metrics;
using MlNetDkn.ML;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.ML.Stages;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;

namespace MlNetDkn.Tests.ML;

/// <summary>The stages behave like ML.NET components: trainer-ready columns, Evaluate, progress, log and
/// cancellation.</summary>
public class MlNetConventionsTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    static readonly FactAttributionOptions Fast = new() { Attribution = AttributionOptions.Default with { Steps = 4 } };

    sealed class RelationInput
    {
        [ColumnName(FactColumns.RelationId)]
        public string RelationId { get; set; } = "";
    }

    sealed class LabelOutput
    {
        public bool Label { get; set; }
    }

    [Fact]
    public void ABuiltInBinaryTrainerLearnsTheRelationFromTheKnowledgeNeuronColumns()
    {
        var ml = new MLContext(seed: 3);
        var facts = ml.KnowledgeNeurons().LoadFacts(tiny.Dataset);
        var first = tiny.Dataset.Records[0].RelationId;
        var pipeline = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(tiny.Folder, Fast, SharedPaths.TempDir("trainer-store"))
            .Append(
                ml.Transforms.CustomMapping(
                    (RelationInput i, LabelOutput o) => o.Label = i.RelationId == first,
                    contractName: null
                )
            )
            .Append(
                ml.Transforms.Concatenate(
                    "Features",
                    KnowledgeNeuronColumns.KnowledgeNeuronMask,
                    KnowledgeNeuronColumns.KnowledgeNeuronCount,
                    KnowledgeNeuronColumns.AnswerProbability
                )
            )
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(maximumNumberOfIterations: 50));
        using var model = new Releasing(pipeline.Fit(facts));
        var scored = model.Value.Transform(facts);

        var features = scored.Schema["Features"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2 * 128 + 2), features.Type);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        features.GetSlotNames(ref slots);
        Assert.Equal($"{KnowledgeNeuronColumns.KnowledgeNeuronMask}.1:5", slots.GetItemOrDefault(128 + 5).ToString());
        var metrics = ml.BinaryClassification.Evaluate(scored);
        // Knowledge neurons differ by relation, so the mask separates the two relations of the training facts.
        Assert.True(metrics.AreaUnderRocCurve > 0.9, $"AUC {metrics.AreaUnderRocCurve:0.000}");
        Assert.True(metrics.Accuracy > 0.8, $"accuracy {metrics.Accuracy:0.000}");
    }

    [Fact]
    public void EvaluateGivesTheSameNumbersAsTheTablesComputeFrom()
    {
        var ml = new MLContext(seed: 3);
        var facts = ml.KnowledgeNeurons().LoadFacts(tiny.Dataset, new FactSelection { MaxFacts = 10, Seed = 1 });
        var folder = SharedPaths.TempDir("evaluate-store");
        var pipeline = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(tiny.Folder, Fast, folder)
            .Append(
                ml.KnowledgeNeurons()
                    .FindDegenerateNeurons(
                        tiny.Folder,
                        DknOptions.DknAuthors with
                        {
                            Methods = [ClusteringMethod.Ntc, ClusteringMethod.KMeans],
                        },
                        folder
                    )
            );
        using var model = new Releasing(pipeline.Fit(facts));
        var output = model.Value.Transform(facts);
        var stages = ((IEnumerable<ITransformer>)model.Value).ToList();
        var attributed = stages.OfType<KnowledgeNeuronAttributingTransformer>().Single().Attribute(facts);
        var records = stages.OfType<DegenerateNeuronFindingTransformer>().Single().Find(stages[0].Transform(facts));

        var fromColumns = ml.KnowledgeNeurons().EvaluateAttribution(output);
        var fromResults = AttributionMetrics.Compute(attributed.Select(f => f.Summary), completenessIsExact: true);
        Assert.Equal(10, fromColumns.Facts);
        Assert.Equal(fromResults.Prompts, fromColumns.Prompts);
        Assert.Equal(fromResults.KnowledgeNeuronsPerFact.Mean, fromColumns.KnowledgeNeuronsPerFact.Mean, 1e-9);
        Assert.Equal(fromResults.CompletenessError.Median, fromColumns.CompletenessError.Median, 1e-6);
        Assert.Equal(fromResults.MaxCompletenessError.Max, fromColumns.MaxCompletenessError.Max, 1e-6);
        Assert.Equal(fromResults.LayersPerFact.Mean, fromColumns.LayersPerFact.Mean, 1e-9);
        Assert.Equal(fromResults.FactsInOneLayer, fromColumns.FactsInOneLayer);
        Assert.True(fromColumns.LayersPerFact.Count > 0);

        var dkn = ml.KnowledgeNeurons().EvaluateDegenerateNeurons(output);
        var expected = DknMetrics.Compute(records.SelectMany(DknOutcome.From));
        Assert.Equal(
            expected.Methods.Select(m =>
                (m.Method, m.Facts, m.FactsWithDkn, m.SingleComponentSets, m.Rechecked, m.RecheckHolds)
            ),
            dkn.Methods.Select(m =>
                (m.Method, m.Facts, m.FactsWithDkn, m.SingleComponentSets, m.Rechecked, m.RecheckHolds)
            )
        );
        Assert.Contains(dkn.Methods, m => m.FactsWithDkn + m.SingleComponentSets > 0);
        foreach (var (e, a) in expected.Methods.Zip(dkn.Methods))
        {
            Assert.Equal(e.CandidatesPerFact.Mean, a.CandidatesPerFact.Mean, 1e-9);
            Assert.Equal(e.JointDrop.Count, a.JointDrop.Count);
            Assert.Equal(e.JointDrop.Mean, a.JointDrop.Mean, 1e-5);
            Assert.Equal(e.Rejections, a.Rejections);
        }
        Assert.Equal(
            expected.Curve.Select(p => (p.Method, p.Components, p.Suppressed, p.Facts, p.Subsets)),
            dkn.Curve.Select(p => (p.Method, p.Components, p.Suppressed, p.Facts, p.Subsets))
        );
        foreach (var (e, a) in expected.Curve.Zip(dkn.Curve))
            Assert.Equal(e.MeanChange, a.MeanChange, 1e-5);
    }

    [Fact]
    public void ProgressLogMessagesAndCancellationWorkPerFact()
    {
        var ml = new MLContext(seed: 3);
        var log = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Message.Contains(KnowledgeNeuronAttributingTransformer.Name))
                lock (log)
                    log.Add(e.Message);
        };
        var facts = ml.KnowledgeNeurons().LoadFacts(tiny.Dataset, new FactSelection { MaxFacts = 6, Seed = 2 });
        var folder = SharedPaths.TempDir("progress-store");
        var reports = new List<FactStageProgress>();
        using var cancel = new CancellationTokenSource();
        var options = new KnowledgeNeuronStageOptions
        {
            ModelPath = tiny.Folder,
            Attribution = Fast,
            Folder = folder,
            CancellationToken = cancel.Token,
            Progress = new Inline<FactStageProgress>(p =>
            {
                reports.Add(p);
                if (reports.Count == 2)
                    cancel.Cancel();
            }),
        };
        using (var stage = ml.KnowledgeNeurons().AttributeKnowledgeNeurons(options).Fit(facts))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => stage.Attribute(facts));
            Assert.Equal([1, 2], reports.Select(r => r.Computed));
            Assert.Equal(2, log.Count(m => m.Contains("computed in")));
        }
        // The two finished facts were stored: a fresh stage reuses them and computes the other four.
        reports.Clear();
        using var again = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(options with { CancellationToken = default })
            .Fit(facts);
        Assert.Equal(6, again.Attribute(facts).Count);
        Assert.Equal((4, 2), (again.FactsComputed, again.FactsReused));
        Assert.Equal(2, reports.Count(r => r.WasReused));
    }

    [Fact]
    public void FactSelectionIsStratifiedSeededAndKeepsRowOrder()
    {
        var dataset = SyntheticWorldGenerator(4, 30);
        var pick = new FactSelection { MaxFacts = 10, Seed = 5 }.Apply(dataset);
        Assert.Equal(10, pick.Count);
        Assert.All(pick.GroupBy(f => f.RelationId), g => Assert.InRange(g.Count(), 2, 3)); // 10 over 4 relations
        Assert.Equal(
            pick.Select(f => f.FactId),
            new FactSelection { MaxFacts = 10, Seed = 5 }
                .Apply(dataset)
                .Select(f => f.FactId)
        );
        Assert.NotEqual(
            pick.Select(f => f.FactId),
            new FactSelection { MaxFacts = 10, Seed = 6 }
                .Apply(dataset)
                .Select(f => f.FactId)
        );
        var order = dataset.Select(f => f.FactId).ToList();
        Assert.Equal(pick.Select(f => order.IndexOf(f.FactId)).Order(), pick.Select(f => order.IndexOf(f.FactId)));

        var perRelation = new FactSelection
        {
            MaxPerRelation = 3,
            Relations = ["colour", "profession"],
            Seed = 1,
        }.Apply(dataset);
        Assert.Equal(6, perRelation.Count);
        Assert.Equal(["colour", "profession"], perRelation.Select(f => f.RelationId).Distinct().Order());
        Assert.Empty(new FactSelection { Split = "val" }.Apply(dataset));
        Assert.Throws<DknInputException>(() => new FactSelection { MaxFacts = -3 }.Apply(dataset));

        var view = new MLContext()
            .KnowledgeNeurons()
            .LoadFacts(new FactDataset(dataset), new FactSelection { MaxFacts = 10, Seed = 5 });
        Assert.Equal(
            pick.Select(f => f.FactId),
            view.GetColumn<ReadOnlyMemory<char>>(FactColumns.FactId).Select(m => m.ToString())
        );
    }

    static IReadOnlyList<FactRecord> SyntheticWorldGenerator(int relations, int entities) =>
        MlNetDkn
            .Facts.Synthetic.SyntheticWorldGenerator.Generate(new() { Relations = relations, Entities = entities })
            .Records;

    sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>Disposes a fitted chain's stages even when ML.NET considers the chain disposed already.</summary>
sealed class Releasing(ITransformer model) : IDisposable
{
    public ITransformer Value { get; } = model;

    public void Dispose() => KnowledgeNeuronsCatalog.Release(Value);
}
