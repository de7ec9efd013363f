using MlNetDkn.Experiments;
using MlNetDkn.Experiments.Robustness;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;
using MlNetDkn.Perturbation.Queries;
using MlNetDkn.Tests.Support;
using MlNetDkn.Tests.Training;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Experiments;

/// <summary>
/// Weight edits restore the model bit for bit; matched random sets match size and layers; R1 and R2 numbers equal an
/// independent recomputation by plain forwards; R2 selects on the unmodified model only.
/// </summary>
public class RobustnessTests(TrainedTinyModel tiny) : IClassFixture<TrainedTinyModel>
{
    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static Tensor[] Snapshot(CausalLm model) => model.parameters().Select(p => p.detach().clone()).ToArray();

    [Theory]
    [InlineData(WeightEditMode.InputAndOutput, 0.0)]
    [InlineData(WeightEditMode.InputAndOutput, 2.0)]
    [InlineData(WeightEditMode.Output, 2.0)]
    public void WeightEditsChangeTheModelAndRestoreItBitForBit(WeightEditMode mode, double factor)
    {
        using var session = ModelSession.Open(tiny.Folder);
        var model = session.Model;
        var before = Snapshot(model);
        var tokens = tensor(new long[] { 1, 2, 3, 4 }).unsqueeze(0);
        var clean = model.Forward(tokens).detach().clone();
        Neuron[] neurons = [new(0, 3), new(0, 17), new(1, 5)];
        using (WeightEdits.Scale(model, neurons, factor, mode))
            Assert.False(model.Forward(tokens).allclose(clean, 1e-6, 1e-6));
        var after = model.parameters().ToArray();
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++)
            Assert.True(Same(before[i], after[i]), $"parameter {i} not restored exactly");
        Assert.True(Same(model.Forward(tokens), clean));
    }

    [Fact]
    public void OutputWeightScalingEqualsScalingTheNeuronOutputEverywhere()
    {
        using var session = ModelSession.Open(tiny.Folder);
        var model = session.Model;
        var tokens = tensor(new long[] { 1, 2, 3, 4, 5 }).unsqueeze(0);
        Tensor byWeights,
            byActivations;
        using (WeightEdits.Scale(model, [new(1, 7), new(1, 9)], 2.0, WeightEditMode.Output))
            byWeights = model.Forward(tokens).detach().clone();
        using (model.Intervene(new ScaleNeurons(1, NeuronSite.Post, [7, 9], 2.0, TokenPositions.All)))
            byActivations = model.Forward(tokens).detach().clone();
        Assert.True(byWeights.allclose(byActivations, 1e-5, 1e-5));
    }

    [Fact]
    public void BadWeightEditsNameTheNeuron()
    {
        using var session = ModelSession.Open(tiny.Folder);
        var e = Assert.Throws<DknInputException>(() =>
            WeightEdits.Scale(session.Model, [new(0, 1), new(9, 1)], 0, WeightEditMode.InputAndOutput)
        );
        Assert.Contains("neuron 9:1", e.Message);
        var before = Snapshot(session.Model);
        Assert.Throws<DknInputException>(() =>
            WeightEdits.Scale(session.Model, [new(0, 1), new(1, 100000)], 0, WeightEditMode.InputAndOutput)
        );
        Assert.True(
            before.Zip(session.Model.parameters()).All(p => Same(p.First, p.Second)),
            "a failed edit left the model changed"
        );
    }

    [Fact]
    public void MatchedRandomSetsHaveTheTargetsLayersAndAvoidTheExcludedNeurons()
    {
        Neuron[] target = [new(0, 1), new(0, 2), new(1, 9), new(3, 4), new(3, 5), new(3, 6)];
        var excluded = target.Concat([new Neuron(0, 3)]).ToHashSet();
        var sets = MatchedRandomSets.Draw(target, excluded, 16, 12, 7, "f", "dkn");
        Assert.Equal(12, sets.Count);
        foreach (var s in sets)
        {
            Assert.Equal(
                target.GroupBy(n => n.Layer).ToDictionary(g => g.Key, g => g.Count()),
                s.GroupBy(n => n.Layer).ToDictionary(g => g.Key, g => g.Count())
            );
            Assert.DoesNotContain(s, excluded.Contains);
            Assert.Equal(s.Length, s.Distinct().Count());
        }
        Assert.True(sets.Select(s => string.Join(",", s)).Distinct().Count() > 6);
        Assert.Equal(
            sets.Select(s => string.Join(",", s)),
            MatchedRandomSets.Draw(target, excluded, 16, 12, 7, "f", "dkn").Select(s => string.Join(",", s))
        );
        Assert.Contains(
            "layer 0 has 1 neurons",
            Assert
                .Throws<DknInputException>(() => MatchedRandomSets.Draw(target, excluded, 4, 1, 7, "f", "dkn"))
                .Message
        );
    }

    /// <summary>log P(answer | prompt) by one plain forward, with optional interventions.</summary>
    static double PlainLogP(CausalLm model, long[] prompt, long[] answer, params NeuronIntervention[] edits)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long[] sequence = [.. prompt, .. answer[..^1]];
        using (model.Intervene(edits))
        {
            var logits = model.Forward(tensor(sequence).unsqueeze(0))[0]; // [T, V]
            var logp = nn.functional.log_softmax(logits, -1);
            return answer.Select((a, t) => logp[prompt.Length - 1 + t, a].item<float>()).Sum(v => (double)v);
        }
    }

    FactRecord PerturbedFact(int index)
    {
        var fact = tiny.Dataset.Records[index];
        var (perturbed, _) = DatasetPerturbation.Apply(
            new FactDataset([fact]),
            new QueryPerturbationOptions
            {
                Kinds = [PerturbationKind.Replace, PerturbationKind.Delete, PerturbationKind.Paraphrase],
                PerFact = 1,
                Seed = 3,
            }
        );
        return perturbed.Records[0];
    }

    [Fact]
    public void SuppressionScoresEqualPlainForwards()
    {
        using var session = ModelSession.Open(tiny.Folder);
        var fact = PerturbedFact(4);
        Neuron[] kn = [new(0, 3), new(0, 40), new(1, 12), new(1, 77)];
        Neuron[] dkn = [new(0, 40), new(1, 12)];
        var store = PerturbedQueryStage.OpenStore(SharedPaths.TempDir("r1-store"));
        var stage = new PerturbedQueryStage(
            session,
            PerturbedQueryExperiment.Suppression,
            new PerturbedQueryOptions { RandomDraws = 2 },
            store
        );
        var record = stage.Run(fact, dkn, kn, [], out bool stored);
        Assert.False(stored);
        var answer = PromptEncoding.Answer(session.Tokenizer, fact.Answer, AnswerEncoding.Natural);
        string[] prompts = [fact.Prompts[0], .. record.Perturbations.Select(p => p.Prompt)];
        Assert.Equal(fact.PerturbedPrompts, record.Perturbations.Select(p => p.Prompt));
        foreach (
            var row in record.Scores.Where(r =>
                r.Condition is "none" or "dkn" or "kn-minus-dkn" || (r.Condition == "random-dkn" && r.Draw == 1)
            )
        )
        {
            var prompt = PromptEncoding.Prompt(session.Tokenizer, prompts[row.Prompt]);
            var set = row.Condition switch
            {
                "none" => [],
                "dkn" => dkn,
                "kn-minus-dkn" => kn.Except(dkn).ToArray(),
                _ => ConditionSet
                    .For(
                        fact.FactId,
                        dkn,
                        kn,
                        [NeuronCondition.RandomMatchedDkn],
                        2,
                        session.Config.IntermediateSize,
                        17
                    )[1]
                    .Neurons,
            };
            double expected =
                row.Route == "weights"
                    ? WithWeights(session.Model, set, () => PlainLogP(session.Model, prompt, answer))
                    // Activations: zeroed where the answer is predicted (the last prompt position and the answer
                    // positions).
                    : PlainLogP(
                        session.Model,
                        prompt,
                        answer,
                        set.GroupBy(n => n.Layer)
                            .Select(g =>
                                (NeuronIntervention)
                                    new ScaleNeurons(
                                        g.Key,
                                        NeuronSite.Post,
                                        g.Select(n => n.Index).ToArray(),
                                        0.0,
                                        TokenPositions.At(Enumerable.Range(prompt.Length - 1, answer.Length).ToArray())
                                    )
                            )
                            .ToArray()
                    );
            Assert.True(
                Math.Abs(expected - row.LogProbability) < 1e-4,
                $"{row.Route}/{row.Condition}/{row.Draw} prompt {row.Prompt}: {row.LogProbability} vs {expected}"
            );
        }
        // The same fact again comes from the store.
        stage.Run(fact, dkn, kn, [], out stored);
        Assert.True(stored);
    }

    static double WithWeights(CausalLm model, Neuron[] set, Func<double> f)
    {
        using var edit = set.Length == 0 ? null : WeightEdits.Scale(model, set, 0.0, WeightEditMode.InputAndOutput);
        return f();
    }

    [Fact]
    public void EnhancementSelectsOnTheUnmodifiedModelAndScoresCollateral()
    {
        using var session = ModelSession.Open(tiny.Folder);
        var store = PerturbedQueryStage.OpenStore(SharedPaths.TempDir("r2-store"));
        var stage = new PerturbedQueryStage(
            session,
            PerturbedQueryExperiment.Enhancement,
            new PerturbedQueryOptions { RandomDraws = 1 },
            store
        );
        var collateral = tiny
            .Dataset.Records.Where(r => r.RelationId != tiny.Dataset.Records[0].RelationId)
            .Take(3)
            .ToList();
        int selected = 0;
        for (int i = 0; i < 12; i++)
        {
            var fact = PerturbedFact(i);
            var record = stage.Run(fact, [new(0, 5), new(1, 6)], [new(0, 5), new(1, 6), new(1, 8)], collateral, out _);
            var answer = PromptEncoding.Answer(session.Tokenizer, fact.Answer, AnswerEncoding.Natural);
            bool Greedy(string p) =>
                PromptBatchProbe
                    .Score(session.Model, [(PromptEncoding.Prompt(session.Tokenizer, p), answer)])[0]
                    .Greedy;
            bool shouldSelect =
                Greedy(fact.Prompts[0]) && record.Perturbations.Any(p => p.Changed && !Greedy(p.Prompt));
            bool isSelected = record.Scores.Any(s => s.Condition != "none");
            Assert.Equal(shouldSelect, isSelected);
            if (!isSelected)
                continue;
            selected++;
            Assert.Equal(
                collateral
                    .Where(c => c.RelationId != fact.RelationId && c.Subject != fact.Subject)
                    .Select(c => c.FactId),
                record.CollateralFacts
            );
            var units = EnhancementMetrics.UnitRows(record).ToList();
            Assert.All(units.Where(u => u.Condition == "none"), u => Assert.Equal(0, u.Correct));
            Assert.Equal(
                record.Perturbations.Count(p => p.Changed && !Greedy(p.Prompt)),
                units.Where(u => u.Condition == "none" && u.Route == "activations").Count()
            );
        }
        Assert.True(selected > 0, "no fact of the tiny world fails a perturbation; the test checks nothing");
    }

    [Fact]
    public void TheAuthorsGenerationCheckIsASubstringOfTwentyGreedyTokens()
    {
        using var session = ModelSession.Open(tiny.Folder);
        var store = PerturbedQueryStage.OpenStore(SharedPaths.TempDir("r2-generate-store"));
        var options = new PerturbedQueryOptions
        {
            RandomDraws = 1,
            Check = AnswerCheck.AuthorsGenerateSubstring,
            Routes = [InterventionRoute.Activations],
        };
        var stage = new PerturbedQueryStage(session, PerturbedQueryExperiment.Enhancement, options, store);
        for (int i = 0; i < 6; i++)
        {
            var fact = PerturbedFact(i);
            var record = stage.Run(fact, [new(0, 5)], [new(0, 5), new(1, 8)], [], out _);
            string[] prompts = [fact.Prompts[0], .. record.Perturbations.Select(p => p.Prompt)];
            foreach (var row in record.Scores.Where(r => r.Condition == "none"))
            {
                var prompt = PromptEncoding.Prompt(session.Tokenizer, prompts[row.Prompt]);
                var ids = Generation.Greedy(
                    session.Model,
                    prompt,
                    Math.Min(20, session.Config.MaxPositions - prompt.Length)
                );
                Assert.Equal(
                    session.Tokenizer.Decode(ids.Select(t => (int)t)).Contains(fact.Answer, StringComparison.Ordinal),
                    row.Generated
                );
            }
        }
    }

    [Fact]
    public void SummaryInteractionIsTheMeanOfThePerFactInteractions()
    {
        PerturbedQueryRecord Record(string id, double p0, double pStar, double s0, double sStar) =>
            new()
            {
                Key = id,
                FactId = id,
                RelationId = "r",
                Clean = "a b c",
                Answer = "x",
                Dkn = [new(0, 1)],
                KnowledgeNeurons = [new(0, 1)],
                Factor = 0,
                Perturbations =
                [
                    new PerturbationRecord(1, "replace", "a [REPLACED] c", 1, "b", "[REPLACED]", false, true),
                ],
                Scores =
                [
                    new("activations", "none", 0, 0, 0, Math.Log(p0), 0, true, 1),
                    new("activations", "none", 0, 0, 1, Math.Log(pStar), 0, true, 1),
                    new("activations", "dkn", 0, 1, 0, Math.Log(s0), 0, true, 1),
                    new("activations", "dkn", 0, 1, 1, Math.Log(sStar), 0, true, 1),
                ],
            };
        // Fact a: P 0.8 → 0.6 on Q*, suppressed 0.5 → 0.2: interaction (0.2 − 0.5) − (0.6 − 0.8) = −0.1.
        // Fact b: P 0.9 → 0.9, suppressed 0.9 → 0.3: interaction −0.6.
        var m = SuppressionMetrics.Compute([Record("a", 0.8, 0.6, 0.5, 0.2), Record("b", 0.9, 0.9, 0.9, 0.3)], seed: 1);
        var dkn = m.Summary.Single(s => s.Kind == "replace" && s.Condition == "dkn");
        Assert.Equal(-0.35, dkn.Interaction, 9);
        Assert.Equal(100 * ((0.2 + 0.3) / 2 - (0.5 + 0.9) / 2) / ((0.5 + 0.9) / 2), dkn.ChangePercent, 9);
        var none = m.Summary.Single(s => s.Kind == "replace" && s.Condition == "none");
        Assert.Equal(100 * ((0.6 + 0.9) / 2 - (0.8 + 0.9) / 2) / ((0.8 + 0.9) / 2), none.ChangePercent, 9);
        // The authors' filter keeps values below 1e-5 only: none of these.
        Assert.True(double.IsNaN(dkn.AuthorsFilteredChangePercent));
        Assert.Equal(0, dkn.AuthorsFilteredFactsPerturbed);
    }
}
