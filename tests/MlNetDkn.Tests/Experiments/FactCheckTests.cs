using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;
using MlNetDkn.Experiments.FactChecking;
using MlNetDkn.Facts;
using MlNetDkn.ML;
using MlNetDkn.ML.Experiments;
using MlNetDkn.Tests.ML;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;

namespace MlNetDkn.Tests.Experiments;

/// <summary>R3: the authors' set rule and false-answer draw on hand-checked examples, entity-disjoint splits, one
/// threshold rule, and a fitted fact-check pipeline that reloads with identical scores.</summary>
public class FactCheckTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    [Fact]
    public void RelationSetsKeepNeuronsAboveTheShareOfTheMaxCount()
    {
        // Counts over three training facts: 0:1 ×3, 0:2 ×2, 0:3 ×1. max = 3, share 0.5.
        var facts = new (string, IReadOnlyCollection<Neuron>, IReadOnlyCollection<Neuron>)[]
        {
            ("r", [new(0, 1), new(0, 2), new(0, 3)], [new(0, 1)]),
            ("r", [new(0, 1), new(0, 2)], [new(0, 1)]),
            ("r", [new(0, 1)], [new(0, 1)]),
        };
        // count > 0.5 · 3 = 1.5 keeps 0:1 and 0:2.
        var learned = RelationNeuronSets.Learn(facts, new FactCheckOptions(), 8)[0];
        Assert.Equal([new Neuron(0, 1), new Neuron(0, 2)], learned.Dkn);
        Assert.Equal([new Neuron(0, 1)], learned.KnowledgeNeurons);
        // Five facts: 0:1 ×5, 0:2 ×2. share 0.5: 2 > 2.5 fails; share 0.3: 2 > 1.5 holds. (The authors' int(max ·
        // share) cut is the same rule for integer counts: count > x ⇔ count > floor(x).)
        var five = Enumerable
            .Range(0, 5)
            .Select(i =>
                (
                    "r",
                    (IReadOnlyCollection<Neuron>)(i < 2 ? [new(0, 1), new(0, 2)] : new Neuron[] { new(0, 1) }),
                    (IReadOnlyCollection<Neuron>)[new Neuron(0, 1)]
                )
            )
            .ToArray();
        Assert.Equal(
            [new Neuron(0, 1)],
            RelationNeuronSets.Learn(five, new FactCheckOptions { Share = 0.5 }, 8)[0].Dkn
        );
        Assert.Equal(
            [new Neuron(0, 1), new Neuron(0, 2)],
            RelationNeuronSets.Learn(five, new FactCheckOptions { Share = 0.3 }, 8)[0].Dkn
        );
        var random = RelationNeuronSets.Learn(five, new FactCheckOptions { Share = 0.3 }, 8)[0].Random;
        Assert.Equal(2, random.Length);
        Assert.DoesNotContain(new Neuron(0, 1), random);
    }

    [Fact]
    public void TheThresholdRuleMaximisesValidationAccuracyInEitherDirection()
    {
        var higherIsTrue = FactCheckThresholds.Fit([(0.9, true), (0.8, true), (0.3, false), (0.1, false)]);
        Assert.Equal((0.55, 1), (Math.Round(higherIsTrue.Threshold, 9), higherIsTrue.Direction));
        var lowerIsTrue = FactCheckThresholds.Fit([(-0.9, true), (-0.8, true), (0.3, false), (0.1, false)]);
        Assert.Equal(-1, lowerIsTrue.Direction);
        Assert.True(lowerIsTrue.JudgesTrue(-0.85) && !lowerIsTrue.JudgesTrue(0.2));
        Assert.True(double.IsNaN(FactCheckThresholds.Fit([(double.NaN, true)]).Threshold));
    }

    [Fact]
    public void SplitsAreEntityDisjointAndTheAuthorsFalseAnswerIsTheirDraw()
    {
        var facts = tiny.Dataset.Records;
        var splits = FactCheckSplits.Assign(facts, new FactCheckOptions { Seed = 3 });
        foreach (var subject in facts.GroupBy(f => f.Subject))
            Assert.Single(subject.Select(f => splits[f.FactId]).Distinct());
        Assert.Equal(3, splits.Values.Distinct().Count());
        // Authors: per relation ceil(1 % · n) test facts.
        var authors = FactCheckSplits.Assign(facts, FactCheckOptions.Authors);
        foreach (var relation in facts.GroupBy(f => f.RelationId))
            Assert.Equal(
                (int)Math.Ceiling(0.01 * relation.Count()),
                relation.Count(f => authors[f.FactId] == FactCheckSplits.Test)
            );
        // random.seed(42); random.choice(wrong) picks index 2 of three, 0 of four (CPython 3.11).
        var fact = new FactRecord
        {
            FactId = "x",
            Answer = "a",
            FalseAnswers = ["b", "c", "d"],
        };
        Assert.Equal("d", FactCheckSplits.FalseAnswer(fact, FactCheckOptions.Authors));
        fact.FalseAnswers.Add("e");
        Assert.Equal("b", FactCheckSplits.FalseAnswer(fact, FactCheckOptions.Authors));
        Assert.Null(
            FactCheckSplits.FalseAnswer(
                new FactRecord
                {
                    FactId = "y",
                    Answer = "a",
                    FalseAnswers = ["a"],
                },
                new FactCheckOptions()
            )
        );
    }

    [Fact]
    public void UndefinedAndInfiniteScoresSurviveTheStore()
    {
        var folder = SharedPaths.TempDir("fact-check-nan");
        var record = new FactCheckRecord
        {
            Key = "k",
            FactId = "f",
            RelationId = "r",
            Subject = "s",
            Split = FactCheckSplits.Test,
            Prompt = "p",
            True = new StatementScores("a", new() { ["dkn"] = double.NaN, ["probability"] = double.NegativeInfinity }),
            False = new StatementScores("b", new() { ["dkn"] = 1e-9, ["probability"] = -3.5 }),
        };
        using (var store = FactCheckStage.OpenStore(folder))
            store.Add(record);
        using var reopened = FactCheckStage.OpenStore(folder);
        Assert.True(reopened.TryGet("k", out var back));
        Assert.True(double.IsNaN(back.True!.Scores["dkn"]));
        Assert.Equal(double.NegativeInfinity, back.True.Scores["probability"]);
        Assert.Equal(-3.5, back.False!.Scores["probability"]);
    }

    [Fact]
    public void AFittedFactCheckPipelineReloadsWithIdenticalScores()
    {
        var ml = new MLContext(seed: 5);
        var kn = ml.KnowledgeNeurons();
        var facts = kn.LoadFacts(tiny.Dataset);
        var folder = SharedPaths.TempDir("fact-check");
        var pipeline = kn.AttributeKnowledgeNeurons(
                tiny.Folder,
                new FactAttributionOptions { Attribution = AttributionOptions.Default with { Steps = 4 } },
                folder
            )
            .Append(
                kn.FindDegenerateNeurons(
                    tiny.Folder,
                    DknOptions.DknAuthors with
                    {
                        Methods = [ClusteringMethod.KMeans],
                    },
                    folder
                )
            )
            .Append(
                kn.FactCheck(
                    new FactCheckStageOptions
                    {
                        ModelPath = tiny.Folder,
                        Folder = folder,
                        DknMethod = ClusteringMethod.KMeans,
                        FactCheck = new FactCheckOptions
                        {
                            Attribution = AttributionOptions.Default with { Steps = 4 },
                            Seed = 2,
                        },
                    }
                )
            );
        using var model = new Releasing(pipeline.Fit(facts));
        var fitted = ((IEnumerable<ITransformer>)model.Value).OfType<FactCheckingTransformer>().Single();
        Assert.NotEmpty(fitted.Options.Sets);
        Assert.All(fitted.Options.FactCheck.Detectors, d =>
            Assert.True(fitted.Options.Thresholds.ContainsKey(FactCheckOptions.Name(d)))
        );
        var path = Path.Combine(folder, "pipeline.zip");
        kn.Save(model.Value, facts.Schema, path);
        using var loaded = new Releasing(kn.Load(path, out _));
        string[] columns =
        [
            "fact_check_true_dkn",
            "fact_check_false_dkn",
            "fact_check_true_probability",
            "fact_check_false_margin",
        ];
        var before = model.Value.Transform(facts);
        var after = loaded.Value.Transform(facts);
        foreach (var c in columns)
            Assert.Equal(before.GetColumn<float>(c).ToArray(), after.GetColumn<float>(c).ToArray());
        Assert.Equal(
            before.GetColumn<ReadOnlyMemory<char>>(FactCheckingTransformer.SplitColumn).Select(s => s.ToString()),
            after.GetColumn<ReadOnlyMemory<char>>(FactCheckingTransformer.SplitColumn).Select(s => s.ToString())
        );
        // Test statements are scored; training facts are not.
        var splits = before
            .GetColumn<ReadOnlyMemory<char>>(FactCheckingTransformer.SplitColumn)
            .Select(s => s.ToString())
            .ToArray();
        var scores = before.GetColumn<float>("fact_check_true_probability").ToArray();
        Assert.All(splits.Zip(scores).Where(x => x.First == FactCheckSplits.Train), x =>
            Assert.True(float.IsNaN(x.Second))
        );
        Assert.Contains(splits.Zip(scores), x => x.First == FactCheckSplits.Test && !float.IsNaN(x.Second));
        var entering = ((IEnumerable<ITransformer>)model.Value).Take(2).Aggregate(facts, (d, t) => t.Transform(d));
        var metrics = fitted.Evaluate(fitted.Results(entering), "probability");
        Assert.True(metrics.Scored > 0);
        Assert.InRange(metrics.Auc, 0, 1);
    }
}
