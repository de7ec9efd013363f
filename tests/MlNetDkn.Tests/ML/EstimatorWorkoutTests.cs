using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.ML.Output;
using MlNetDkn.Perturbation.Queries;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;
using static MlNetDkn.Tests.ML.MlFixtures;

namespace MlNetDkn.Tests.ML;

/// <summary>
/// ML.NET's estimator workout, over every estimator that runs on a trained fact model (accuracy, attribution, DKNs,
/// R1, R2, R3), each built by its simple catalog overload: the schema promised before Fit is the one produced after
/// it, Transform adds those columns to every row, and the chain saved and loaded again gives the same cells.
/// </summary>
public class EstimatorWorkoutTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    [Fact]
    public void EveryEstimatorKeepsItsSchemaPromiseAndSurvivesSaveAndLoad()
    {
        var ml = new MLContext(seed: 5);
        var kn = ml.KnowledgeNeurons();
        var (perturbed, _) = DatasetPerturbation.Apply(
            new FactDataset(tiny.Dataset.Records.Take(8).ToList()),
            new QueryPerturbationOptions
            {
                Kinds = [PerturbationKind.Replace, PerturbationKind.Delete],
                PerFact = 1,
                Seed = 3,
            }
        );
        var facts = kn.LoadFacts(perturbed);
        var folder = SharedPaths.TempDir("workout");
        var estimators = new (string Name, IEstimator<ITransformer> Estimator)[]
        {
            ("accuracy", kn.EvaluateAccuracy(tiny.Folder)),
            ("attribution", kn.AttributeKnowledgeNeurons(tiny.Folder, KnOptions, Path.Combine(folder, "kn"))),
            ("dkn", kn.FindDegenerateNeurons(tiny.Folder, DknOpts, Path.Combine(folder, "dkn"))),
            ("r1", kn.SuppressUnderPerturbation(tiny.Folder, Path.Combine(folder, "r1"))),
            ("r2", kn.EnhanceOnFailedQueries(tiny.Folder, Path.Combine(folder, "r2"))),
            ("r3", kn.FactCheck(tiny.Folder, Path.Combine(folder, "r3"))),
        };

        var input = facts;
        var fitted = new List<ITransformer>();
        try
        {
            foreach (var (name, estimator) in estimators)
            {
                var promised = estimator.GetOutputSchema(ShapeOf(input.Schema));
                var transformer = estimator.Fit(input);
                fitted.Add(transformer);
                var output = transformer.Transform(input);
                Assert.True(output.Schema.Count > input.Schema.Count, $"{name} adds columns");
                foreach (var column in promised)
                {
                    var actual = output.Schema.GetColumnOrNull(column.Name);
                    Assert.True(actual.HasValue, $"{name}: promised column {column.Name} is produced");
                    var item = ItemType(actual.Value.Type);
                    Assert.Equal(column.IsKey, item is KeyDataViewType);
                    Assert.Equal(column.ItemType.RawType, item.RawType);
                    Assert.Equal(
                        column.Kind != SchemaShape.Column.VectorKind.Scalar,
                        actual.Value.Type is VectorDataViewType
                    );
                }
                foreach (var column in output.Schema.Where(c => !c.IsHidden))
                    Assert.True(
                        promised.Any(p => p.Name == column.Name),
                        $"{name}: produced column {column.Name} was promised"
                    );
                Assert.Equal(
                    transformer.GetOutputSchema(input.Schema).Select(c => c.Name),
                    output.Schema.Select(c => c.Name)
                );
                Assert.Equal(8, output.GetColumn<ReadOnlyMemory<char>>(FactColumns.FactId).Count());
                input = output;
            }

            var chain = new TransformerChain<ITransformer>(fitted.ToArray());
            var archive = Path.Combine(folder, "pipeline.zip");
            kn.Save(chain, facts.Schema, archive);
            using var loaded = new MLContext(seed: 5).KnowledgeNeurons().Load(archive, out var schema);
            Assert.Equal(facts.Schema.Select(c => c.Name), schema.Select(c => c.Name));
            var before = DataViewTables.Cells(chain.Transform(facts), dense: true);
            var after = DataViewTables.Cells(loaded.Transform(facts), dense: true);
            Assert.Equal(before.Select(c => c.Name), after.Select(c => c.Name));
            foreach (var (b, a) in before.Zip(after))
                Assert.Equal(b.Values, a.Values);
        }
        finally
        {
            foreach (var t in fitted)
                KnowledgeNeuronsCatalog.Release(t);
        }
    }
}
