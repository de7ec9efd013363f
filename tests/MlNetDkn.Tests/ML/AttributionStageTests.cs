using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

public class AttributionStageTests
{
    [Fact]
    public void AddsKnowledgeNeuronColumnsWithTheirTypesAndKeepsInputColumns()
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var estimator = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, SharedPaths.TempDir("ml-store"));

        var shape = estimator.GetOutputSchema(ShapeOf(facts.Schema));
        using var transformer = estimator.Fit(facts);
        var output = transformer.Transform(facts);
        var schema = output.Schema;

        Assert.Equal(
            new VectorDataViewType(TextDataViewType.Instance),
            schema[KnowledgeNeuronColumns.KnowledgeNeurons].Type
        );
        Assert.Equal(
            new VectorDataViewType(NumberDataViewType.Single),
            schema[KnowledgeNeuronColumns.KnowledgeNeuronScores].Type
        );
        Assert.Equal(NumberDataViewType.Single, schema[KnowledgeNeuronColumns.KnowledgeNeuronCount].Type);
        Assert.Equal(
            new VectorDataViewType(new KeyDataViewType(typeof(uint), 5)),
            schema[KnowledgeNeuronColumns.KnowledgeNeuronLayers].Type
        );
        Assert.Equal(
            new VectorDataViewType(NumberDataViewType.Single, 5 * 172),
            schema[KnowledgeNeuronColumns.KnowledgeNeuronMask].Type
        );
        Assert.Equal(NumberDataViewType.Single, schema[KnowledgeNeuronColumns.AnswerProbability].Type);
        Assert.Equal(NumberDataViewType.Single, schema[KnowledgeNeuronColumns.CompletenessError].Type);
        foreach (var name in FactColumns.All)
            Assert.NotNull(schema.GetColumnOrNull(name));
        // The estimator's shape agrees with the transformer's schema.
        foreach (var column in schema.Where(c => !c.IsHidden))
        {
            var found = shape.Single(c => c.Name == column.Name);
            Assert.Equal(column.Type is VectorDataViewType, found.Kind != SchemaShape.Column.VectorKind.Scalar);
            Assert.Equal(ItemType(column.Type).RawType, found.ItemType.RawType);
            Assert.Equal(
                column.Type is VectorDataViewType { Size: > 0 },
                found.Kind == SchemaShape.Column.VectorKind.Vector
            );
            Assert.Equal(ItemType(column.Type) is KeyDataViewType, found.IsKey);
        }
        Assert.Equal(0, transformer.PromptsComputed); // Transform is lazy
        Assert.Equal(StoryFacts.Dataset().Records.Select(r => r.FactId), Texts(output, FactColumns.FactId));
    }

    [Fact]
    public void ValuesEqualTheRunnerCalledDirectly()
    {
        var dataset = StoryFacts.Dataset();
        List<FactKnowledgeNeurons> expected;
        using (var session = ModelSession.Open(StoryFacts.ModelPath))
        using (var store = new AttributionStore(SharedPaths.TempDir("direct-store")))
            expected = new FactAttributionRunner(session, KnOptions, store).RunAll(dataset.Records).ToList();

        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(dataset);
        using var transformer = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, SharedPaths.TempDir("ml-store"))
            .Fit(facts);
        var output = transformer.Transform(facts);

        var neurons = TextVectors(output, KnowledgeNeuronColumns.KnowledgeNeurons);
        var scores = FloatVectors(output, KnowledgeNeuronColumns.KnowledgeNeuronScores);
        var counts = Column<float>(output, KnowledgeNeuronColumns.KnowledgeNeuronCount);
        var probability = Column<float>(output, KnowledgeNeuronColumns.AnswerProbability);
        var completeness = Column<float>(output, KnowledgeNeuronColumns.CompletenessError);
        var layers = output
            .GetColumn<VBuffer<uint>>(KnowledgeNeuronColumns.KnowledgeNeuronLayers)
            .Select(v => v.DenseValues().ToArray())
            .ToArray();
        var indices = output
            .GetColumn<VBuffer<uint>>(KnowledgeNeuronColumns.KnowledgeNeuronIndices)
            .Select(v => v.DenseValues().ToArray())
            .ToArray();
        // GetColumn reuses one buffer: copy each row out before the next.
        var mask = output
            .GetColumn<VBuffer<float>>(KnowledgeNeuronColumns.KnowledgeNeuronMask)
            .Select(v => v.DenseValues().ToArray())
            .ToArray();
        Assert.Contains(counts, c => c > 0);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Neurons.Select(n => n.Neuron.ToString()), neurons[i]);
            Assert.Equal(expected[i].Neurons.Select(n => (float)n.Score), scores[i]);
            Assert.Equal(expected[i].Neurons.Count, counts[i]);
            // Keys are stored 1-based; the mask has a 1 exactly at each knowledge neuron's slot l·d_ff + i.
            Assert.Equal(expected[i].Neurons.Select(n => (uint)n.Neuron.Layer + 1), layers[i]);
            Assert.Equal(expected[i].Neurons.Select(n => (uint)n.Neuron.Index + 1), indices[i]);
            var dense = mask[i];
            Assert.Equal(expected[i].Neurons.Count, dense.Count(v => v == 1));
            Assert.All(expected[i].Neurons, n => Assert.Equal(1f, dense[n.Neuron.Layer * 172 + n.Neuron.Index]));
            Assert.Equal((float)expected[i].Prompts.Average(p => p.Objective), probability[i]);
            Assert.Equal((float)expected[i].Prompts.Average(p => p.RelativeCompletenessError), completeness[i]);
            Assert.InRange(probability[i], 1e-6f, 1f);
        }
        Assert.Equal(8, transformer.PromptsComputed);
    }

    [Fact]
    public void SecondFitOverTheSameStoreRecomputesNothing()
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var folder = SharedPaths.TempDir("ml-store");
        var estimator = ml.KnowledgeNeurons().AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, folder);

        string[][] first;
        using (var transformer = estimator.Fit(facts))
        {
            first = TextVectors(transformer.Transform(facts), KnowledgeNeuronColumns.KnowledgeNeurons);
            // Reading again from the same transformer is served from memory: no store lookups either.
            TextVectors(transformer.Transform(facts), KnowledgeNeuronColumns.KnowledgeNeurons);
            Assert.Equal((8, 0), (transformer.PromptsComputed, transformer.PromptsReused));
        }
        Assert.Equal(8, StoreLines(Path.Combine(folder, "store"), AttributionStore.FileName));

        using (var again = estimator.Fit(facts))
        {
            Assert.Equal(first, TextVectors(again.Transform(facts), KnowledgeNeuronColumns.KnowledgeNeurons));
            Assert.Equal((0, 8), (again.PromptsComputed, again.PromptsReused));
        }
        Assert.Equal(8, StoreLines(Path.Combine(folder, "store"), AttributionStore.FileName));
    }

    [Fact]
    public void ComposesWithBuiltInTransformsBeforeAndAfter()
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var pipeline = ml
            .Transforms.Text.NormalizeText("subject_normalized", FactColumns.Subject)
            .Append(
                ml.KnowledgeNeurons()
                    .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, SharedPaths.TempDir("ml-store"))
            )
            .Append(ml.Transforms.CopyColumns("Neurons", KnowledgeNeuronColumns.KnowledgeNeurons))
            .Append(
                ml.Transforms.Concatenate(
                    "Summary",
                    KnowledgeNeuronColumns.AnswerProbability,
                    KnowledgeNeuronColumns.CompletenessError
                )
            );

        var shape = pipeline.GetOutputSchema(ShapeOf(facts.Schema));
        Assert.Contains(shape, c => c.Name == "Summary");
        using var model = pipeline.Fit(facts);
        var output = model.Transform(facts);

        Assert.Equal(TextVectors(output, KnowledgeNeuronColumns.KnowledgeNeurons), TextVectors(output, "Neurons"));
        var summary = FloatVectors(output, "Summary");
        var probability = Column<float>(output, KnowledgeNeuronColumns.AnswerProbability);
        Assert.Equal(probability, summary.Select(s => s[0]));
        Assert.Equal(["lily", "play", "park", "happy"], Texts(output, "subject_normalized"));
    }

    [Fact]
    public void OutputBecomesADataFrameAndATidyResultsFrame()
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        using var transformer = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, SharedPaths.TempDir("ml-store"))
            .Fit(facts);
        var output = transformer.Transform(facts);

        var frame = output.ToDataFrame(-1);
        Assert.Equal(4, frame.Rows.Count);
        var counts = Column<float>(output, KnowledgeNeuronColumns.KnowledgeNeuronCount);
        Assert.Equal(
            counts,
            Enumerable.Range(0, 4).Select(i => (float)frame[KnowledgeNeuronColumns.KnowledgeNeuronCount][i])
        );

        var tidy = output.ToResultsDataFrame();
        Assert.Equal((int)counts.Sum(), tidy.Rows.Count);
        var neurons = TextVectors(output, KnowledgeNeuronColumns.KnowledgeNeurons);
        var scores = FloatVectors(output, KnowledgeNeuronColumns.KnowledgeNeuronScores);
        var row = 0;
        for (int f = 0; f < 4; f++)
        for (int k = 0; k < neurons[f].Length; k++, row++)
        {
            Assert.Equal(StoryFacts.Dataset().Records[f].FactId, tidy["fact_id"][row]);
            Assert.Equal(neurons[f][k], $"{tidy["layer"][row]}:{tidy["index"][row]}");
            Assert.Equal(scores[f][k], tidy["score"][row]);
            Assert.Equal(k, tidy["rank"][row]);
        }
    }

    [Fact]
    public void MissingOrMistypedInputColumnsAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var noPrompts = ml.Transforms.DropColumns(FactColumns.Prompts).Fit(facts).Transform(facts);
        var estimator = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, SharedPaths.TempDir("ml-store"));
        var e = Assert.Throws<DknInputException>(() => estimator.Fit(noPrompts));
        Assert.Contains("'prompts' not found", e.Message);
        var wrong = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(
                StoryFacts.ModelPath,
                KnOptions,
                SharedPaths.TempDir("ml-store"),
                promptsColumn: FactColumns.Subject
            );
        e = Assert.Throws<DknInputException>(() => wrong.GetOutputSchema(ShapeOf(facts.Schema)));
        Assert.Contains("'subject'", e.Message);
    }
}
