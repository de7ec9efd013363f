using MlNetDkn.Degeneracy;

namespace MlNetDkn.Tests.Degeneracy;

public class FunctionalCheckTests
{
    static readonly Neuron[] C1 = [new(0, 1), new(1, 2)];
    static readonly Neuron[] C2 = [new(0, 3), new(2, 4)];
    static readonly Neuron[] C3 = [new(1, 5), new(2, 6)];
    static readonly Neuron[] Single = [new(2, 7)];

    // P0 = 1; each listed set maps to a probability, anything else (unions) to `joint`.
    static FakeProbe Probe(double joint, params (Neuron[] Set, double P)[] known) => new(1.0, s =>
        {
            foreach (var (set, p) in known)
                if (s.SetEquals(set))
                    return p;
            return joint;
        });

    [Fact]
    public void StrictAndLenientAgreeWhenTheJointDropIsLarge()
    {
        var probe = Probe(0.5, (C1, 0.98), (C2, 0.99));
        var strict = FunctionalCheck.Run([C1, C2], probe, FunctionalCheckOptions.Default);
        Assert.Equal([C1, C2], strict.Dkn);
        Assert.Equal(0.5, strict.JointDrop!.Value, 12);
        // one batch each: the singles, each component alone left, every proper subset and the whole set
        Assert.Equal(3, probe.Calls);
        var lenient = FunctionalCheck.Run(
            [C1, C2],
            Probe(0.5, (C1, 0.98), (C2, 0.99)),
            FunctionalCheckOptions.DknAuthorsLenient
        );
        Assert.Equal([C1, C2], lenient.Dkn);
    }

    [Fact]
    public void StrictRejectsADknWhoseJointSuppressionBarelyHurtsLenientAcceptsIt()
    {
        var strict = FunctionalCheck.Run([C1, C2], Probe(0.9, (C1, 0.98), (C2, 0.99)), FunctionalCheckOptions.Default);
        var lenient = FunctionalCheck.Run(
            [C1, C2],
            Probe(0.9, (C1, 0.98), (C2, 0.99)),
            FunctionalCheckOptions.DknAuthorsLenient
        );
        Assert.Empty(strict.Dkn);
        Assert.Equal(0.1, strict.JointDrop!.Value, 12);
        Assert.Equal([C1, C2], lenient.Dkn);
        Assert.Null(lenient.JointDrop);
    }

    [Fact]
    public void StrictNeedsTwoComponentsAndLenientNamesASingleOne()
    {
        // C2 alone drops P by 40 %: it is needed by itself, so it is not a degenerate component.
        var strict = FunctionalCheck.Run([C1, C2], Probe(0.1, (C1, 0.98), (C2, 0.6)), FunctionalCheckOptions.Default);
        var lenient = FunctionalCheck.Run(
            [C1, C2],
            Probe(0.1, (C1, 0.98), (C2, 0.6)),
            FunctionalCheckOptions.DknAuthorsLenient
        );
        Assert.Empty(strict.Dkn);
        // The authors' code would report C1 alone as a DKN: it is a dispensable cluster, but one component is no DKN.
        Assert.Empty(lenient.Dkn);
        Assert.True(lenient.Clusters[0].IsComponent);
        Assert.StartsWith(FunctionalCheck.Rejections.SingleComponent, lenient.Rejection);
        Assert.False(strict.Clusters[1].IsComponent);
        Assert.Equal(0.4, strict.Clusters[1].RelativeDrop!.Value, 12);
    }

    [Fact]
    public void StrictProbesTheUnionOfSurvivorsWhenAClusterFails()
    {
        // C3 fails alone; the joint drop is measured on C1 ∪ C2 only, in a second call.
        var c12 = C1.Concat(C2).ToArray();
        var probe = Probe(0.95, (C1, 0.98), (C2, 0.99), (C3, 0.5), (c12, 0.4));
        var r = FunctionalCheck.Run([C1, C2, C3], probe, FunctionalCheckOptions.Default);
        Assert.Equal([C1, C2], r.Dkn);
        Assert.Equal(0.6, r.JointDrop!.Value, 12);
        Assert.Equal(3, probe.Calls);
    }

    [Fact]
    public void AuthorsLenientRulesSingletonsSingleClusterAndNegativeDrops()
    {
        // ≤ 1 cluster: empty without probing.
        var none = Probe(0.0);
        Assert.Empty(FunctionalCheck.Run([C1], none, FunctionalCheckOptions.DknAuthorsLenient).Dkn);
        Assert.Equal(0, none.Calls);
        // Singletons are not probed; a probability increase (negative drop) is accepted.
        var probe = Probe(0.0, (C1, 1.3), (Single, 1.0));
        var r = FunctionalCheck.Run([C1, Single], probe, FunctionalCheckOptions.DknAuthorsLenient);
        Assert.True(r.Clusters[0].IsComponent);
        Assert.StartsWith(FunctionalCheck.Rejections.SingleComponent, r.Rejection);
        Assert.DoesNotContain(probe.Seen, s => s.SetEquals(Single));
        Assert.Null(r.Clusters[1].RelativeDrop);
        // Rejecting negative drops removes it.
        var noNeg = FunctionalCheck.Run(
            [C1, Single],
            Probe(0.0, (C1, 1.3)),
            FunctionalCheckOptions.DknAuthorsLenient with
            {
                AcceptNegativeDrops = false,
            }
        );
        Assert.Empty(noNeg.Dkn);
    }

    [Fact]
    public void ZeroBaselineProbabilityIsAnInputError()
    {
        var probe = new FakeProbe(0.0, _ => 0.0);
        Assert.Throws<DknInputException>(() => FunctionalCheck.Run([C1, C2], probe, FunctionalCheckOptions.Default));
    }
}
