using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Tests.Support;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Degeneracy;

/// <summary>A small planted model, built once for the class.</summary>
public sealed class SmallPlantedModel
{
    public static readonly PlantedModelOptions Options = new()
    {
        Seed = 3,
        Layers = 3,
        HiddenSize = 128,
        IntermediateSize = 128,
        DegenerateFacts = 6,
        AdditiveFacts = 3,
        SingleFacts = 3,
        MaxComponents = 3,
        MaxDepth = 3,
        NoiseNeurons = 1,
    };

    public string Folder { get; } = SharedPaths.TempDir("planted");
    public PlantedTruth Truth { get; }
    public MlNetDkn.Facts.FactDataset Facts { get; }

    public SmallPlantedModel() => (Truth, Facts) = PlantedModelBuilder.Build(Options, Folder);
}

public class PlantedModelTests(SmallPlantedModel planted) : IClassFixture<SmallPlantedModel>
{
    [Fact]
    public void TheBuiltModelHasThePlantedStructureCheckedByPlainForwards()
    {
        Assert.Equal(12, planted.Truth.Facts.Count);
        Assert.All(planted.Truth.Facts, f => Assert.True(f.Verified, $"{f.FactId} {f.Kind}"));
        using var model = ModelLoader.Load(planted.Folder, new ModelLoadOptions { DType = "float64" });
        var tokenizer = MlNetDkn.Modeling.Tokenization.TokenizerLoader.FromModelFolder(planted.Folder);
        foreach (var fact in planted.Truth.Facts)
        {
            long subject = tokenizer.Encode(fact.Subject)[0],
                answer = tokenizer.Encode(fact.Answer)[0];
            double p0 = Probability(model.Model, subject, answer, []);
            double none = Probability(model.Model, subject, answer, fact.PlantedNeurons.ToArray());
            Assert.True(
                none < 0.5 * p0,
                $"{fact.FactId}: suppressing every component must lose the answer ({p0} → {none})"
            );
            var singles = fact
                .Components.Select(c =>
                    Probability(
                        model.Model,
                        subject,
                        answer,
                        fact.Components.Where(o => o != c).SelectMany(o => o).ToArray()
                    )
                )
                .ToArray();
            if (fact.Kind == PlantedKind.Degenerate)
                Assert.All(singles, p =>
                    Assert.True(p > 0.95 * p0, $"{fact.FactId}: any one component alone carries the answer")
                );
            if (fact.Kind == PlantedKind.Additive)
                Assert.Contains(fact.Components, c =>
                    Probability(model.Model, subject, answer, c.ToArray()) < 0.95 * p0
                );
            // Noise neurons fire for the subject but do not carry the answer (they only add to the residual's norm).
            // Without them the answer can only gain (the other writes get a larger share after LayerNorm).
            Assert.True(
                (p0 - Probability(model.Model, subject, answer, fact.Noise.ToArray())) / p0 < 0.05,
                $"{fact.FactId}: noise neurons are dispensable"
            );
        }
    }

    [Fact]
    public void StrictChecksFindExactlyThePlantedComponentsFromTheTrueNeuronsAndNothingElsewhere()
    {
        using var model = ModelLoader.Load(planted.Folder, new ModelLoadOptions { DType = "float64" });
        var tokenizer = MlNetDkn.Modeling.Tokenization.TokenizerLoader.FromModelFolder(planted.Folder);
        var options = DknOptions.Default with { Methods = [ClusteringMethod.NtcPersistence, ClusteringMethod.Dbscan] };
        var reported = new List<ReportedDkn>();
        foreach (var fact in planted.Truth.Facts)
        {
            long subject = tokenizer.Encode(fact.Subject)[0],
                answer = tokenizer.Encode(fact.Answer)[0];
            var result = DknFinder.Find(
                model.Model,
                [subject],
                [answer],
                fact.PlantedNeurons.Concat(fact.Noise).ToList(),
                options,
                fact.FactId
            );
            reported.AddRange(
                result.Methods.Select(m => new ReportedDkn(
                    fact.FactId,
                    m.Method.ToString(),
                    m.Check.IsDkn,
                    m.Check.Dkn
                ))
            );
        }
        var scores = PlantedScoring.Score(planted.Truth, reported);
        var persistence = scores.Single(s => s.Method == nameof(ClusteringMethod.NtcPersistence));
        Assert.Equal(0, persistence.FalsePositives);
        Assert.Equal(1.0, persistence.Recall);
        Assert.Equal(6, persistence.ExactMatches);
        Assert.All(scores, s => Assert.Equal(0, s.FalsePositives));
    }

    [Fact]
    public void ScoringMatchesComponentsOneToOneByJaccard()
    {
        Neuron N(int l, int i) => new(l, i);
        var truth = new PlantedTruth(
            new PlantedModelOptions(),
            [
                new PlantedFact(
                    "d",
                    PlantedKind.Degenerate,
                    "s",
                    "a",
                    [
                        [N(0, 0), N(1, 0)],
                        [N(0, 1), N(1, 1)],
                    ],
                    [],
                    1,
                    0,
                    1
                )
                {
                    Verified = true,
                },
                new PlantedFact(
                    "x",
                    PlantedKind.Additive,
                    "t",
                    "b",
                    [
                        [N(0, 2), N(1, 2)],
                        [N(0, 3), N(1, 3)],
                    ],
                    [],
                    0.7,
                    0.5,
                    1
                )
                {
                    Verified = true,
                },
                new PlantedFact(
                    "u",
                    PlantedKind.Degenerate,
                    "v",
                    "c",
                    [
                        [N(0, 4), N(1, 4)],
                        [N(0, 5), N(1, 5)],
                    ],
                    [],
                    1,
                    0,
                    0
                )
                {
                    Verified = false,
                },
            ]
        );
        var scores = PlantedScoring
            .Score(
                truth,
                [
                    new(
                        "d",
                        "m",
                        true,
                        [
                            [N(0, 0), N(1, 0), N(2, 9)],
                            [N(0, 1)],
                        ]
                    ), // first matches (2/3), second does not (1/2 = 0.5: matches)
                    new(
                        "x",
                        "m",
                        true,
                        [
                            [N(0, 2), N(1, 2)],
                        ]
                    ), // a false positive
                    new(
                        "u",
                        "m",
                        true,
                        [
                            [N(0, 4), N(1, 4)],
                        ]
                    ), // unverified fact: not scored
                ]
            )
            .Single();
        Assert.Equal((1, 1, 0), (scores.TruePositives, scores.FalsePositives, scores.FalseNegatives));
        Assert.Equal(0.5, scores.Precision);
        Assert.Equal(1.0, scores.Recall);
        Assert.Equal(2, scores.MatchedComponents);
        Assert.Equal(1.0, scores.ComponentRecall);
        Assert.Equal(2.0 / 3, scores.ComponentPrecision, 12);
        Assert.Equal(0, scores.ExactMatches);
        Assert.Equal(1, scores.UnverifiedFacts);
        // Best match per planted component of "d": 2/3 and 1/2.
        Assert.Equal((2.0 / 3 + 0.5) / 2, scores.ComponentJaccard, 12);
        // Facts imported from the planted model's ROME export ("rome:i") are scored as planted fact i.
        var imported = PlantedScoring
            .Score(
                new PlantedTruth(
                    new PlantedModelOptions(),
                    [
                        new PlantedFact(
                            PlantedModelBuilder.FactId(3),
                            PlantedKind.Degenerate,
                            "s",
                            "a",
                            [
                                [N(0, 0)],
                                [N(0, 1)],
                            ],
                            [],
                            1,
                            0,
                            1
                        )
                        {
                            Verified = true,
                        },
                    ]
                ),
                [
                    new(
                        "rome:3",
                        "m",
                        true,
                        [
                            [N(0, 0)],
                            [N(0, 1)],
                        ]
                    ),
                ]
            )
            .Single();
        Assert.Equal((1, 1), (imported.TruePositives, imported.ExactMatches));
    }

    /// <summary>P(answer | subject) from one plain forward with <paramref name="neurons"/> zeroed at the only
    /// position.</summary>
    static double Probability(CausalLm model, long subject, long answer, Neuron[] neurons)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var edits = neurons
            .GroupBy(n => n.Layer)
            .Select(g =>
                (NeuronIntervention)
                    new ScaleNeurons(g.Key, NeuronSite.Post, g.Select(n => n.Index).ToArray(), 0, TokenPositions.All)
            )
            .ToArray();
        using (model.Intervene(edits))
            return model.Forward(tensor(new[] { subject }).unsqueeze(0))[0, -1].softmax(-1)[answer].item<double>();
    }
}

public class PlantedBenchmarkTests
{
    [Fact]
    public void PoolsCountsOverVariantsAndKeepsTheWorstVariant()
    {
        var scores = new[]
        {
            new PlantedVariantScore("a", "m", 10, 5, 9, 1, 1, 0.9, 0.9, 0.8, 0),
            new PlantedVariantScore("b", "m", 10, 5, 6, 0, 4, 1.0, 0.6, 1.0, 2),
            new PlantedVariantScore("b", "n", 10, 5, 0, 0, 10, double.NaN, 0.0, double.NaN, 0),
        };
        var rows = PlantedBenchmark.Summarize(scores);
        var m = rows.Single(r => r.Method == "m");
        Assert.Equal(
            (2, 20, 10, 15, 1, 5),
            (m.Variants, m.DegenerateFacts, m.OtherFacts, m.TruePositives, m.FalsePositives, m.FalseNegatives)
        );
        Assert.Equal(15.0 / 16, m.Precision, 12);
        Assert.Equal(15.0 / 20, m.Recall, 12);
        Assert.Equal((0.9, 0.6), (m.WorstPrecision, m.WorstRecall));
        Assert.Equal((0.8 * 9 + 1.0 * 6) / 15, m.ComponentJaccard, 12);
        Assert.Equal(2, m.UnverifiedFacts);
        var n = rows.Single(r => r.Method == "n");
        Assert.True(double.IsNaN(n.Precision));
        Assert.Equal(0, n.Recall);
        Assert.True(double.IsNaN(n.ComponentJaccard));
    }
}
