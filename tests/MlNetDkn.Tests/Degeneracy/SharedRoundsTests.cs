using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Tests.Degeneracy;

/// <summary>Knockout rounds that share what they have in common (layer 0 up to its gate, the clean activations) give
/// the scores, ends and neurons of rounds evaluated each on its own, bit for bit.</summary>
public class SharedRoundsTests(SmallPlantedModel planted) : IClassFixture<SmallPlantedModel>
{
    static readonly KnockoutOptions Alone = KnockoutOptions.Default with { ShareAcrossRounds = false };

    static PrefixCacheProbe Probe(
        LoadedModel loaded,
        ITextTokenizer tokenizer,
        FactRecord fact,
        NeuronSite site,
        bool keep = true
    ) =>
        new(
            loaded.Model,
            tokenizer.Encode(fact.Prompts[0]).Select(t => (long)t).ToArray(),
            [tokenizer.Encode(fact.Answer)[0]],
            site
        )
        {
            KeepsLayer0 = keep,
        };

    static void SameBits(JointAttribution alone, JointAttribution shared, string what)
    {
        for (int l = 0; l < alone.Scores.Length; l++)
        for (int i = 0; i < alone.Scores[l].Length; i++)
            Assert.True(
                alone.Scores[l][i].Equals(shared.Scores[l][i]),
                $"{what}: score {l}:{i} {alone.Scores[l][i]:R} alone, {shared.Scores[l][i]:R} shared"
            );
        Assert.True(alone.ShutProbability.Equals(shared.ShutProbability), $"{what}: shut end");
        Assert.True(alone.OpenProbability.Equals(shared.OpenProbability), $"{what}: open end");
    }

    [Theory]
    [InlineData("float32", NeuronSite.Post)]
    [InlineData("float64", NeuronSite.Post)]
    [InlineData("float32", NeuronSite.Pre)]
    public void SharedRoundsGiveTheScoresOfRoundsAloneBitForBit(string dtype, NeuronSite site)
    {
        using var loaded = ModelLoader.Load(planted.Folder, new ModelLoadOptions { DType = dtype });
        var tokenizer = TokenizerLoader.FromModelFolder(planted.Folder);
        var variants = new (string Name, KnockoutOptions Options)[]
        {
            ("gated", KnockoutOptions.Default),
            ("replace", KnockoutOptions.Default with { Path = JointPath.Replace }),
            // Several batches (the open end rides in the last) and weighted points.
            (
                "gauss in batches",
                KnockoutOptions.Default with
                {
                    Grid = PathGrid.GaussLegendre,
                    Steps = 7,
                    BatchSize = 3,
                }
            ),
        };
        foreach (var fact in planted.Facts.Records.Take(6))
        {
            using var probe = Probe(loaded, tokenizer, fact, site);
            foreach (var (name, options) in variants)
            {
                var alone = Alone with { Path = options.Path, Grid = options.Grid, Steps = options.Steps };
                alone = alone with { BatchSize = options.BatchSize };
                // Nothing shut, then what the first round found (the second call starts from kept layer 0).
                var first = JointIntegratedGradients.Attribute(probe, [], options);
                SameBits(JointIntegratedGradients.Attribute(probe, [], alone), first, $"{fact.FactId} {name}");
                var found = first
                    .Scores.SelectMany((row, l) => row.Select((s, i) => (Neuron: new Neuron(l, i), Score: s)))
                    .OrderByDescending(x => x.Score)
                    .Take(2)
                    .Select(x => x.Neuron)
                    .ToArray();
                SameBits(
                    JointIntegratedGradients.Attribute(probe, found, alone),
                    JointIntegratedGradients.Attribute(probe, found, options),
                    $"{fact.FactId} {name} with {string.Join(",", found)} shut"
                );
            }
        }
    }

    [Theory]
    [InlineData(NeuronSite.Post)]
    [InlineData(NeuronSite.Pre)]
    public void ScoresFromTheKeptLayer0AreTheBitsOfPassesFromTheEmbedding(NeuronSite site)
    {
        using var loaded = ModelLoader.Load(planted.Folder, new ModelLoadOptions { DType = "float32" });
        var tokenizer = TokenizerLoader.FromModelFolder(planted.Folder);
        var fact = planted.Facts.Records[1];
        var prompt = tokenizer.Encode(fact.Prompts[0]).Select(t => (long)t).ToArray();
        long[] answer = [tokenizer.Encode(fact.Answer)[0]];
        using var kept = new PrefixCacheProbe(loaded.Model, prompt, answer, site);
        using var full = new PrefixCacheProbe(loaded.Model, prompt, answer, site) { KeepsLayer0 = false };
        Assert.True(kept.Baseline.Probability.Equals(full.Baseline.Probability));
        var rng = new Random(4);
        int layers = loaded.Model.Config.NumLayers,
            width = loaded.Model.Config.IntermediateSize;
        // More row counts than the probe keeps, so kept layers are dropped and rebuilt on the way.
        foreach (int rows in new[] { 1, 2, 3, 5, 8, 13, 2, 21, 34, 7, 9, 10, 11, 3, 1 })
        {
            var configurations = Enumerable
                .Range(0, rows)
                .Select(r =>
                    r % 4 == 0
                        ? ProbeConfiguration.None
                        : new ProbeConfiguration(
                            Enumerable
                                .Range(0, 1 + rng.Next(4))
                                .Select(_ => new Neuron(rng.Next(layers), rng.Next(width)))
                                .Distinct()
                                .ToArray(),
                            r % 3 == 0 ? 2.0 : 0.0
                        )
                )
                .ToArray();
            var a = full.Score(configurations);
            var b = kept.Score(configurations);
            for (int r = 0; r < rows; r++)
                Assert.True(a[r].Equals(b[r]), $"{rows} rows, row {r}: {a[r]} from the embedding, {b[r]} kept");
        }
    }

    [Fact]
    public void KnockoutFindsTheSameNeuronsInTheSameRoundsEitherWay()
    {
        using var loaded = ModelLoader.Load(planted.Folder, new ModelLoadOptions { DType = "float32" });
        var tokenizer = TokenizerLoader.FromModelFolder(planted.Folder);
        int rounds = 0;
        foreach (var fact in planted.Facts.Records)
        foreach (var path in new[] { JointPath.Gated, JointPath.Replace })
        {
            using var aloneProbe = Probe(loaded, tokenizer, fact, NeuronSite.Post, keep: false);
            using var sharedProbe = Probe(loaded, tokenizer, fact, NeuronSite.Post);
            var alone = KnockoutAttribution.Run([aloneProbe], Alone with { Path = path });
            var shared = KnockoutAttribution.Run([sharedProbe], KnockoutOptions.Default with { Path = path });
            Assert.Equal(alone.StopReason, shared.StopReason);
            Assert.Equal(alone.Candidates, shared.Candidates);
            Assert.Equal(alone.Rounds.Count, shared.Rounds.Count);
            foreach (var (a, s) in alone.Rounds.Zip(shared.Rounds))
            {
                Assert.Equal(a.Found, s.Found);
                Assert.True(a.MinDropAfter.Equals(s.MinDropAfter), $"{fact.FactId} {path} round {a.Round}");
                Assert.True(a.CompletenessError.Equals(s.CompletenessError), $"{fact.FactId} {path} round {a.Round}");
            }
            rounds += alone.Rounds.Count;
        }
        Assert.True(rounds > planted.Facts.Count, $"only {rounds} rounds over {planted.Facts.Count} facts and 2 paths");
    }

    [Fact]
    public void TheKeptPrefixStandsAsideWhileOtherInterventionsAreActive()
    {
        using var loaded = ModelLoader.Load(planted.Folder, new ModelLoadOptions { DType = "float32" });
        var tokenizer = TokenizerLoader.FromModelFolder(planted.Folder);
        var fact = planted.Facts.Records[0];
        using var probe = Probe(loaded, tokenizer, fact, NeuronSite.Post);
        var shared = JointIntegratedGradients.Attribute(probe, [], KnockoutOptions.Default);
        // Another intervention active (here one that scales nothing): the full pass runs, with the same result.
        var idle = new MlNetDkn.Modeling.Interventions.CaptureActivation(
            0,
            NeuronSite.Pre,
            MlNetDkn.Modeling.Interventions.TokenPositions.All
        );
        JointAttribution underIntervention;
        using (loaded.Model.Intervene(idle))
            underIntervention = JointIntegratedGradients.Attribute(probe, [], KnockoutOptions.Default);
        Assert.NotNull(idle.Captured); // the full pass ran through layer 0
        idle.Dispose();
        SameBits(underIntervention, shared, "under another intervention");
    }
}
