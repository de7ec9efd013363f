using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Degeneracy;

/// <summary>Two facts in a 2-layer model: a degenerate fact whose two components are single neurons in the same layer
/// (alternatives, each reading a feature of its own), and an additive fact whose two components are both
/// needed.</summary>
public sealed class SameLayerPlantedModel
{
    public static readonly PlantedModelOptions Options = new()
    {
        Seed = 5,
        Layers = 2,
        HiddenSize = 64,
        IntermediateSize = 32,
        DegenerateFacts = 1,
        AdditiveFacts = 1,
        SingleFacts = 0,
        MinComponents = 2,
        MaxComponents = 2,
        MinDepth = 1,
        MaxDepth = 1,
        NoiseNeurons = 1,
        DistinctReads = true,
        PromptWords = 3,
    };

    public string Folder { get; } = SharedPaths.TempDir("planted-same-layer");
    public PlantedTruth Truth { get; }
    public FactDataset Facts { get; }

    public SameLayerPlantedModel() => (Truth, Facts) = PlantedModelBuilder.Build(Options, Folder);
}

public class AcquisitionTests(SmallPlantedModel planted, SameLayerPlantedModel sameLayer)
    : IClassFixture<SmallPlantedModel>,
        IClassFixture<SameLayerPlantedModel>
{
    static (LoadedModel Model, ITextTokenizer Tokenizer) Load(string folder) =>
        (ModelLoader.Load(folder, new ModelLoadOptions { DType = "float64" }), TokenizerLoader.FromModelFolder(folder));

    static PrefixCacheProbe Probe(LoadedModel loaded, ITextTokenizer tokenizer, FactRecord fact) =>
        new(
            loaded.Model,
            tokenizer.Encode(fact.Prompts[0]).Select(t => (long)t).ToArray(),
            [tokenizer.Encode(fact.Answer)[0]]
        );

    [Fact]
    public void JointGatedAttributionIsCompleteOverTheWholeModel()
    {
        var (loaded, tokenizer) = Load(planted.Folder);
        using var _ = loaded;
        var fact = planted.Facts.Records.First(f =>
            planted.Truth.Facts.Single(t => t.FactId == f.FactId).Kind == PlantedKind.Degenerate
        );
        using var probe = Probe(loaded, tokenizer, fact);
        var result = JointIntegratedGradients.Attribute(probe, [], KnockoutOptions.Default with { Steps = 400 });
        Assert.Equal(probe.BaselineProbability(), result.OpenProbability, 9);
        Assert.True(
            Math.Abs(result.CompletenessError) < 0.02 * result.OpenProbability,
            $"completeness error {result.CompletenessError}"
        );
    }

    [Fact]
    public void TheGatedPathCreditsRelayNeuronsWhichReplacedActivationsCannotReach()
    {
        var (loaded, tokenizer) = Load(planted.Folder);
        using var _ = loaded;
        var truth = planted.Truth.Facts.First(f =>
            f.Kind == PlantedKind.Single && f.Components[0].Select(n => n.Layer).Distinct().Count() >= 2
        );
        using var probe = Probe(loaded, tokenizer, planted.Facts.Records.Single(f => f.FactId == truth.FactId));
        var relay = truth.Components[0].OrderBy(n => n.Layer).First();
        var gated = JointIntegratedGradients.Attribute(probe, [], KnockoutOptions.Default with { Steps = 200 });
        var replaced = JointIntegratedGradients.Attribute(
            probe,
            [],
            KnockoutOptions.Default with
            {
                Steps = 200,
                Path = JointPath.Replace,
            }
        );
        double total = gated.OpenProbability - gated.ShutProbability;
        // Replaced activations cut the relay's path through the neurons it drives: what is left is its effect on the
        // final LayerNorm's scale alone.
        double gatedRelay = gated.Scores[relay.Layer][relay.Index],
            replacedRelay = replaced.Scores[relay.Layer][relay.Index];
        Assert.True(gatedRelay > 0.1 * total, $"gated relay score {gatedRelay} of {total}");
        Assert.True(
            Math.Abs(replacedRelay) < 0.05 * gatedRelay,
            $"replaced relay score {replacedRelay} against gated {gatedRelay}"
        );
    }

    [Fact]
    public void KnockoutFindsEveryPlantedNeuronOfADegenerateFactAndRecordsItsRounds()
    {
        var (loaded, tokenizer) = Load(planted.Folder);
        using var _ = loaded;
        foreach (var truth in planted.Truth.Facts.Where(f => f.Kind == PlantedKind.Degenerate))
        {
            using var probe = Probe(loaded, tokenizer, planted.Facts.Records.Single(f => f.FactId == truth.FactId));
            var result = KnockoutAttribution.Run([probe], KnockoutOptions.Default);
            Assert.Equal(KnockoutStops.AnswerLost, result.StopReason);
            Assert.True(result.Rounds.Count >= 1);
            Assert.True(
                result.Rounds[^1].MinDropAfter >= 0.9,
                $"{truth.FactId}: drop after the last round {result.Rounds[^1].MinDropAfter}"
            );
            Assert.Equal(result.Candidates.Count, result.Rounds.Sum(r => r.Found.Length));
            // Every planted component is hit; a chain's later hops may stay unfound once its first hop is shut (the
            // answer never needed them then): the functional grouping completes them.
            Assert.All(truth.Components, c => Assert.Contains(c, n => result.Candidates.Contains(n)));
            Assert.DoesNotContain(result.Candidates, n => truth.Noise.Contains(n));
        }
    }

    [Fact]
    public void KnockoutStopsAtItsRoundLimitAndWhenARoundFindsNothing()
    {
        var (loaded, tokenizer) = Load(planted.Folder);
        using var _ = loaded;
        var truth = planted.Truth.Facts.First(f => f.Kind == PlantedKind.Degenerate);
        using var probe = Probe(loaded, tokenizer, planted.Facts.Records.Single(f => f.FactId == truth.FactId));
        // One neuron per round, one round: the rest of the fact still carries the answer.
        var limited = KnockoutAttribution.Run([probe], KnockoutOptions.Default with { MaxPerRound = 1, MaxRounds = 1 });
        Assert.Equal(KnockoutStops.RoundLimit, limited.StopReason);
        Assert.Single(limited.Rounds);
        Assert.Single(limited.Candidates);
        Assert.True(limited.Rounds[0].MinDropAfter < 0.05, "one neuron of a degenerate fact is dispensable");
        // A round must move P by more than the whole answer: nothing is ever found.
        var nothing = KnockoutAttribution.Run([probe], KnockoutOptions.Default with { MinRoundEffect = 1.01 });
        Assert.Equal(KnockoutStops.NothingFound, nothing.StopReason);
        Assert.Empty(nothing.Rounds);
    }

    [Fact]
    public void SameLayerAlternativesAreSeparatedAndAnAdditiveFactIsNotADkn()
    {
        var (loaded, tokenizer) = Load(sameLayer.Folder);
        using var _ = loaded;
        Assert.All(sameLayer.Truth.Facts, f => Assert.True(f.Verified, f.FactId));
        foreach (var truth in sameLayer.Truth.Facts)
        {
            Assert.All(truth.PlantedNeurons, n => Assert.Equal(0, n.Layer));
            var fact = sameLayer.Facts.Records.Single(f => f.FactId == truth.FactId);
            using var probe = Probe(loaded, tokenizer, fact);
            var candidates = KnockoutAttribution.Run([probe], KnockoutOptions.Default).Candidates;
            var result = DknFinder.Find(
                new ModelNeuronVectors(loaded.Model),
                ModelFamily.Gpt2,
                [probe],
                candidates,
                DknOptions.Recommended
            );
            var check = result.Methods.Single().Check;
            if (truth.Kind == PlantedKind.Degenerate)
            {
                Assert.True(check.IsDkn, check.Rejection);
                Assert.Equal(
                    truth.Components.Select(c => string.Join(",", c.Order())).Order(),
                    check.Dkn.Select(c => string.Join(",", c.Order())).Order()
                );
            }
            else
                Assert.False(check.IsDkn, $"additive fact {truth.FactId} reported as a DKN");
        }
    }

    [Fact]
    public void RecommendedAcquisitionRecoversTheSmallPlantedModel()
    {
        var (loaded, tokenizer) = Load(planted.Folder);
        using var _ = loaded;
        var reported = new List<ReportedDkn>();
        foreach (var fact in planted.Facts.Records)
        {
            using var probe = Probe(loaded, tokenizer, fact);
            var candidates = KnockoutAttribution.Run([probe], KnockoutOptions.Default).Candidates;
            var result = DknFinder.Find(
                new ModelNeuronVectors(loaded.Model),
                ModelFamily.Gpt2,
                [probe],
                candidates,
                DknOptions.Recommended,
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
        var score = PlantedScoring.Score(planted.Truth, reported).Single();
        Assert.Equal(0, score.FalsePositives);
        Assert.Equal(1.0, score.Recall);
        Assert.True(score.NeuronJaccard >= 0.9, $"neuron Jaccard {score.NeuronJaccard}");
        Assert.True(score.ComponentRecall >= 0.9, $"component recall {score.ComponentRecall}");
    }
}

/// <summary>The path a user's own planted model takes: its ROME-format facts imported, `dkn degenerate --data` with
/// every default, the components read back from dkn_facts.csv and scored against the truth.</summary>
public class PlantedCliPathTests(SameLayerPlantedModel sameLayer) : IClassFixture<SameLayerPlantedModel>
{
    [Fact]
    public void DegenerateWithDefaultsFindsThePlantedDknFromImportedRomeFacts()
    {
        var work = SharedPaths.TempDir("planted-cli");
        var facts = Path.Combine(work, "facts.parquet");
        var (importCode, _, importErr) = CliRunner.Run(
            "datasets",
            "import",
            "rome",
            Path.Combine(sameLayer.Folder, PlantedRomeExport.Folder),
            facts
        );
        Assert.True(importCode == 0, importErr);
        var output = Path.Combine(work, "dkn");
        var (code, _, err) = CliRunner.Run("degenerate", "--model", sameLayer.Folder, "--data", facts, "--out", output);
        Assert.True(code == 0, err);

        var reported = CsvRows
            .Read(Path.Combine(output, "dkn_facts.csv"))
            .Select(r => new ReportedDkn(
                r["fact_id"],
                r["method"],
                r["is_dkn"] == "1",
                MlNetDkn.Metrics.Tables.DknTables.ParseComponents(r["component_list"])
            ))
            .ToList();
        Assert.All(reported, r => Assert.Equal(nameof(ClusteringMethod.Functional), r.Method));
        Assert.Equal(sameLayer.Truth.Facts.Count, reported.Count);
        var score = PlantedScoring.Score(sameLayer.Truth, reported).Single();
        Assert.Equal((1, 0, 0), (score.TruePositives, score.FalsePositives, score.FalseNegatives));
        Assert.Equal(1, score.ExactMatches);
    }
}
