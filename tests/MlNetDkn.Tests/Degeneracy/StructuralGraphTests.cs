using MlNetDkn.Degeneracy;

namespace MlNetDkn.Tests.Degeneracy;

public class StructuralGraphTests
{
    // 1-D vectors: w(A, B) = out(A) · in(B) is a product of two scalars.
    static readonly Neuron A = new(0, 0),
        P = new(1, 0),
        Q = new(1, 1),
        B = new(2, 0),
        Far = new(4, 0),
        Same = new(0, 1);

    /// <summary>The layered graph (hops only between consecutive layers, span ≤ 3): the earlier corrected
    /// default.</summary>
    static readonly StructuralGraphOptions Layered = StructuralGraphOptions.Corrected with
    {
        HopRule = HopRule.AdjacentLayers,
        MaxSpan = 3,
    };

    static FakeVectors Chain() =>
        new FakeVectors(1)
            .Set(A, [1], [1])
            .Set(Same, [1], [1])
            .Set(P, [1], [1]) // w(A,P) = 1 → 1;  w(P,B) = 1 → 1: route A-P-B costs 2
            .Set(Q, [0.5], [4]) // w(A,Q) = 0.5 → 2; w(Q,B) = 4 → 0.25: route A-Q-B costs 2.25
            .Set(B, [1], [1])
            .Set(Far, [1], [1]);

    [Fact]
    public void ShortestPathTakesTheCheapestRouteThroughTheFactsNeurons()
    {
        var g = StructuralGraph.Build([A, P, Q, B], Chain(), Layered);
        Assert.Equal(1.0, g[0, 1]);
        Assert.Equal(2.0, g[0, 2]);
        Assert.Equal(2.0, g[0, 3], 12); // min(1 + 1, 2 + 0.25)
        Assert.Equal(g[0, 3], g[3, 0]);
        Assert.Equal(1000, g[1, 2]); // same layer
        Assert.Equal(0, g[2, 2]);
    }

    [Fact]
    public void ShortestPathWithASingleIntermediateIsFiniteWhereTheAuthorsRuleIsNot()
    {
        // Δ = 2 with one neuron in the middle layer: the authors need a pair there, so they report no connection.
        var authors = StructuralGraph.Build([A, P, B], Chain(), StructuralGraphOptions.DknAuthors(false));
        var corrected = StructuralGraph.Build([A, P, B], Chain(), Layered);
        Assert.Equal(1000, authors[0, 2]);
        Assert.Equal(2.0, corrected[0, 2], 12);
    }

    [Fact]
    public void AuthorsRuleSumsTwoMiddleLayerHopsInListOrder()
    {
        // Δ = 2, two neurons in layer 1: the only path is A → P → Q → B, including the same-layer hop P → Q.
        var v = Chain();
        var g = StructuralGraph.Build([A, P, Q, B], v, StructuralGraphOptions.DknAuthors(false));
        double expected = 1.0 / 1 + 1.0 / (1 * 0.5) + 1.0 / (4 * 1); // d(A,P) + d(P,Q) + d(Q,B)
        Assert.Equal(expected, g[0, 3], 12);
        // List order decides the direction of the middle hop: Q before P gives A → Q → P → B.
        var swapped = StructuralGraph.Build([A, Q, P, B], v, StructuralGraphOptions.DknAuthors(false));
        Assert.Equal(1.0 / 0.5 + 1.0 / (4 * 1) + 1.0 / 1, swapped[0, 3], 12);
    }

    [Fact]
    public void SpanLimitAndMissingLayersGiveTheSentinel()
    {
        var g = StructuralGraph.Build([A, P, B, Far], Chain(), Layered);
        Assert.Equal(1000, g[0, 3]); // Δ = 4 > 3
        Assert.Equal(1000, g[2, 3]); // Δ = 2 but nothing in layer 3
        var g2 = StructuralGraph.Build([A, Far], Chain(), Layered with { MaxSpan = 5 });
        Assert.Equal(1000, g2[0, 1]); // within span, no path through layers 1..3
        // The residual-stream default has no span limit: layer 0 writes straight into layer 4's input.
        Assert.Equal(1.0, StructuralGraph.Build([A, Far], Chain(), StructuralGraphOptions.Corrected)[0, 1], 12);
    }

    [Fact]
    public void AnyLaterLayerHopsUseTheDirectResidualConnection()
    {
        var v = Chain().Set(B, [4], [1]); // w(A,B) = 4 direct → 0.25; w(P,B) = 4 → 0.25
        var layered = StructuralGraph.Build([A, P, B], v, Layered);
        var direct = StructuralGraph.Build([A, P, B], v, StructuralGraphOptions.Corrected);
        Assert.Equal(HopRule.AnyLaterLayer, StructuralGraphOptions.Corrected.HopRule);
        Assert.Equal(1.25, layered[0, 2], 12);
        Assert.Equal(0.25, direct[0, 2], 12);
    }

    [Fact]
    public void SameLayerNeuronsConnectThroughTheResidualStreamOnlyWhenAsked()
    {
        var v = Chain().Set(Same, [3], [0.5]); // out(A)·in(Same) = 3, out(Same)·in(A) = 0.5 → w = 3
        Assert.Equal(
            1000,
            StructuralGraph.Build([A, Same], v, StructuralGraphOptions.Corrected with { NoConnection = 1000 })[0, 1]
        );
        var g = StructuralGraph.Build(
            [A, Same],
            v,
            StructuralGraphOptions.Corrected with
            {
                SameLayer = SameLayerRule.ResidualStream,
            }
        );
        Assert.Equal(1 / 3.0, g[0, 1], 12);
        Assert.Equal(g[0, 1], g[1, 0]);
    }

    [Fact]
    public void BaselinesGetAFiniteFillAndNoClustersWithoutAnyConnection()
    {
        var g = new StructuralGraph(
            [A, P, B],
            new double[,]
            {
                { 0, 2, 1e12 },
                { 2, 0, 5 },
                { 1e12, 5, 0 },
            }
        );
        var filled = g.WithFiniteFill(1e11)!;
        Assert.Equal(10, filled[0, 2]); // twice the largest real distance
        Assert.Equal(2, filled[0, 1]);
        Assert.Equal(2, g.FiniteEdges(1e11));
        var none = new StructuralGraph(
            [A, P],
            new double[,]
            {
                { 0, 1e12 },
                { 1e12, 0 },
            }
        );
        Assert.Null(none.WithFiniteFill(1e11));
        Assert.Equal(0, none.FiniteEdges(1e11));
    }

    [Fact]
    public void ZeroWeightIsNoConnection()
    {
        var v = Chain().Set(P, [0], [1]);
        var g = StructuralGraph.Build([A, P], v, StructuralGraphOptions.DknAuthors(false));
        Assert.Equal(1000, g[0, 1]);
    }

    [Fact]
    public void SignIsDiscarded()
    {
        var v = Chain().Set(P, [-0.5], [1]);
        Assert.Equal(2.0, StructuralGraph.Build([A, P], v, StructuralGraphOptions.Corrected)[0, 1], 12);
    }

    [Fact]
    public void UpProjectionOptionsAndAuthorsLlamaOrientation()
    {
        var a = new Neuron(0, 0);
        var b = new Neuron(1, 0);
        var v = new FakeVectors(2, hasUp: true)
            .Set(a, input: [1, 0], output: [2, 1], up: [0, 0])
            .Set(b, input: [1, 1], output: [5, 0], up: [0, 2]);
        // out(a)·gate(b) = 3, out(a)·up(b) = 2, authors LLaMA: in(a)·out(b) = 5.
        Assert.Equal(1 / 3.0, StructuralGraph.Build([a, b], v, StructuralGraphOptions.Corrected)[0, 1], 12);
        Assert.Equal(
            1 / 5.0,
            StructuralGraph.Build(
                [a, b],
                v,
                StructuralGraphOptions.Corrected with
                {
                    UpProjection = UpProjectionUse.Add,
                }
            )[0, 1],
            12
        );
        Assert.Equal(
            1 / Math.Sqrt(13),
            StructuralGraph.Build(
                [a, b],
                v,
                StructuralGraphOptions.Corrected with
                {
                    UpProjection = UpProjectionUse.Norm,
                }
            )[0, 1],
            12
        );
        Assert.Equal(1 / 5.0, StructuralGraph.Build([a, b], v, StructuralGraphOptions.DknAuthors(true))[0, 1], 12);
    }

    [Fact]
    public void DuplicateNeuronsAreRejected()
    {
        Assert.Throws<DknInputException>(() =>
            StructuralGraph.Build([A, A], Chain(), StructuralGraphOptions.Corrected)
        );
    }
}
