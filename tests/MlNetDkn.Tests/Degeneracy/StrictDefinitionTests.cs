using MlNetDkn.Degeneracy;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Tests.Degeneracy;

/// <summary>The strict check is the definition: proper subsets, sufficiency, every prompt, and a choice of
/// measure.</summary>
public class StrictDefinitionTests
{
    static readonly Neuron[] A = [new(0, 1), new(1, 1)];
    static readonly Neuron[] B = [new(0, 2), new(1, 2)];
    static readonly Neuron[] C = [new(0, 3), new(1, 3)];
    static readonly Neuron[] Junk = [new(0, 4), new(1, 4)];

    /// <summary>P and the logit margin as functions of which components are still on.</summary>
    sealed class ComponentProbe(
        Func<IReadOnlySet<Neuron[]>, (double P, double Margin)> answer,
        params Neuron[][] components
    ) : IAnswerProbe
    {
        public int Calls { get; private set; }
        public AnswerScore Baseline => Score([ProbeConfiguration.None])[0];

        public IReadOnlyList<AnswerScore> Score(IReadOnlyList<ProbeConfiguration> configurations)
        {
            Calls++;
            return configurations
                .Select(c =>
                {
                    var off = c.Neurons.ToHashSet();
                    var on = components.Where(k => !k.Any(off.Contains)).ToHashSet();
                    var (p, m) = answer(on);
                    return new AnswerScore(Math.Log(p), 0, true, m);
                })
                .ToArray();
        }
    }

    static FunctionalCheckOptions Strict => FunctionalCheckOptions.Default;

    [Fact]
    public void AProperSubsetThatMattersRejectsWhatSinglesAndTheWholeSetAccept()
    {
        // Any one of A, B, C alone is harmless to remove, as is the whole set not; but removing A and B together
        // leaves C, which cannot carry the fact: not degenerate.
        var probe = new ComponentProbe(
            on => (on.Count == 3 || on.Contains(A) || on.Contains(B) ? 1.0 : 0.5, 1),
            A,
            B,
            C
        );
        var singlesOnly = FunctionalCheck.Run(
            [A, B, C],
            probe,
            Strict with
            {
                ProperSubsets = false,
                RequireSufficient = false,
            }
        );
        Assert.Equal(3, singlesOnly.Dkn.Count); // the earlier check (singles and the whole set) accepted it
        var r = FunctionalCheck.Run([A, B, C], probe, Strict with { RequireSufficient = false });
        Assert.Empty(r.Dkn);
        Assert.Equal(0.5, r.WorstProperSubsetDrop!.Value, 12);
        Assert.Contains("suppressing components {0,1} of 3", r.Rejection);
    }

    [Fact]
    public void ATrueDknPassesEveryProperSubsetAndNeedsTheWhole()
    {
        var probe = new ComponentProbe(on => (on.Count > 0 ? 0.99 : 0.01, on.Count > 0 ? 5 : -2), A, B, C);
        var r = FunctionalCheck.Run([A, B, C], probe, Strict);
        Assert.Equal([A, B, C], r.Dkn);
        Assert.Equal(0, r.WorstProperSubsetDrop!.Value, 12);
        Assert.Equal(6, r.Evaluation!.Subsets.Count); // 2^3 − 2 proper subsets
        Assert.Null(r.Rejection);
    }

    [Fact]
    public void AJunkClusterThatCannotCarryTheFactIsDroppedAndTheRestIsTheDkn()
    {
        // Junk is dispensable (it does nothing) but not sufficient: with A and B off the fact is gone.
        var probe = new ComponentProbe(on => (on.Contains(A) || on.Contains(B) ? 0.99 : 0.01, 1), A, B, Junk);
        var r = FunctionalCheck.Run([A, B, Junk], probe, Strict);
        Assert.Equal([A, B], r.Dkn);
        Assert.Equal([Junk], r.Insufficient);
        var without = FunctionalCheck.Run([A, B, Junk], probe, Strict with { RequireSufficient = false });
        Assert.Empty(without.Dkn);
    }

    [Fact]
    public void EveryCheckedPromptMustAgreeUnlessTheMeanIsAskedFor()
    {
        var good = new ComponentProbe(on => (on.Count > 0 ? 0.99 : 0.01, 1), A, B);
        // On the second paraphrase B does not carry the fact alone: removing A drops P by 8 %.
        var weak = new ComponentProbe(
            on =>
                (
                    on.Contains(A) ? 0.99
                    : on.Contains(B) ? 0.91
                    : 0.01,
                    1
                ),
            A,
            B
        );
        var all = FunctionalCheck.Run([A, B], [good, weak], Strict);
        Assert.Empty(all.Dkn);
        Assert.Equal(2, all.PerPrompt!.Count);
        Assert.Equal((0.99 - 0.91) / 0.99, all.Clusters[0].RelativeDrop!.Value, 12); // the worst prompt decides
        Assert.Contains("a DKN needs at least 2", all.Rejection);
        var mean = FunctionalCheck.Run([A, B], [good, weak], Strict with { Aggregation = PromptAggregation.Mean });
        Assert.Equal([A, B], mean.Dkn); // mean drop 4 % < 5 %
        Assert.Single(FunctionalCheck.Run([A, B], [good, weak], Strict with { Prompts = 1 }).PerPrompt!.Take(1));
    }

    [Fact]
    public void TheLogitMarginSeesWhatASaturatedProbabilityHides()
    {
        // P is saturated: removing A changes it by 0.1 %, but the answer's lead halves.
        var probe = new ComponentProbe(
            on =>
                on.Count switch
                {
                    2 => (0.9999, 10),
                    1 => (0.999, on.Contains(A) ? 5 : 9.8),
                    _ => (0.2, -1),
                },
            A,
            B
        );
        Assert.Equal([A, B], FunctionalCheck.Run([A, B], probe, Strict).Dkn);
        var margin = FunctionalCheck.Run([A, B], probe, Strict with { Measure = CheckMeasure.LogitMargin });
        Assert.Empty(margin.Dkn);
        Assert.Equal(0.5, margin.Clusters[1].RelativeDrop!.Value, 12); // removing B leaves margin 5 of 10
    }

    [Fact]
    public void OptionsOutOfRangeAreNamed()
    {
        var probe = new ComponentProbe(_ => (1, 1), A, B);
        Assert.Contains(
            "t_high",
            Assert
                .Throws<DknInputException>(() => FunctionalCheck.Run([A, B], probe, Strict with { THigh = 0.01 }))
                .Message
        );
        Assert.Contains(
            "cannot exceed 1",
            Assert
                .Throws<DknInputException>(() => FunctionalCheck.Run([A, B], probe, Strict with { THigh = 2 }))
                .Message
        );
    }
}
