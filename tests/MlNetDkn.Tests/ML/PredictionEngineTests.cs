using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.Tests.Support;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

/// <summary>The stages are row-to-row mappers, so a fitted pipeline also serves one fact at a time.</summary>
public class PredictionEngineTests
{
    public sealed class FactInput
    {
        [ColumnName(FactColumns.FactId)]
        public string FactId { get; set; } = "";

        [ColumnName(FactColumns.RelationId)]
        public string RelationId { get; set; } = "";

        [ColumnName(FactColumns.Answer)]
        public string Answer { get; set; } = "";

        [ColumnName(FactColumns.Prompts)]
        public string[] Prompts { get; set; } = [];
    }

    public sealed class KnowledgeNeuronOutput
    {
        [ColumnName(KnowledgeNeuronColumns.KnowledgeNeurons)]
        public string[] KnowledgeNeurons { get; set; } = [];

        [ColumnName(KnowledgeNeuronColumns.IsDkn)]
        public bool IsDkn { get; set; }
    }

    [Fact]
    public void PredictionEngineGivesTheSameNeuronsAsTransformForEachFact()
    {
        var ml = new MLContext(seed: 1);
        var store = SharedPaths.TempDir("ml-store");
        var facts = ml.KnowledgeNeurons().LoadFacts(StoryFacts.Dataset());
        var model = ml.KnowledgeNeurons()
            .AttributeKnowledgeNeurons(StoryFacts.ModelPath, KnOptions, store)
            .Append(ml.KnowledgeNeurons().FindDegenerateNeurons(StoryFacts.ModelPath, DknOpts, store))
            .Fit(facts);
        using var release = new Releaser(model);
        var output = model.Transform(facts);
        var neurons = TextVectors(output, KnowledgeNeuronColumns.KnowledgeNeurons);
        var isDkn = Column<bool>(output, KnowledgeNeuronColumns.IsDkn);

        using var engine = ml.Model.CreatePredictionEngine<FactInput, KnowledgeNeuronOutput>(model);
        var records = StoryFacts.Dataset().Records;
        // Reverse order: a row-based engine must not serve the previous fact's values.
        for (int i = records.Count - 1; i >= 0; i--)
        {
            var r = records[i];
            var predicted = engine.Predict(
                new FactInput
                {
                    FactId = r.FactId,
                    RelationId = r.RelationId,
                    Answer = r.Answer,
                    Prompts = [.. r.Prompts],
                }
            );
            Assert.Equal(neurons[i], predicted.KnowledgeNeurons);
            Assert.Equal(isDkn[i], predicted.IsDkn);
        }
    }

    /// <summary>ML.NET ignores a chain's Dispose after a prediction engine made from it was disposed.</summary>
    sealed class Releaser(ITransformer model) : IDisposable
    {
        public void Dispose() => KnowledgeNeuronsCatalog.Release(model);
    }
}
