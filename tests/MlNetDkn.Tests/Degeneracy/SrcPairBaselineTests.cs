using MlNetDkn.Degeneracy;

namespace MlNetDkn.Tests.Degeneracy;

public class SrcPairBaselineTests
{
    static readonly Neuron A = new(0, 1),
        B = new(0, 2),
        C = new(1, 3),
        D = new(1, 4),
        E = new(2, 5);

    static FakeProbe Probe(Dictionary<string, double> drops) => new(1.0, s =>
        {
            var key = string.Join("+", s.Order());
            return 1 - (drops.TryGetValue(key, out var d) ? d : 0.1); // unlisted pairs: a middling 10 % drop
        });

    static string K(params Neuron[] n) => string.Join("+", n.Order());

    [Fact]
    public void PairsAreFoundUsedUpAndTheScanRestartsAfterALowPair()
    {
        // Singles: C is needed alone (50 %), the others are potentials [A, B, D, E].
        // Scan: (A,B) 10 % → nothing; (A,D) 40 % → pair, A and D used; (A,E), (B,D) skipped;
        // (B,E) 1 % → remove B and E, restart; [A, D] are both used → done.
        var probe = Probe(
            new()
            {
                [K(A)] = 0.01,
                [K(B)] = 0.02,
                [K(C)] = 0.5,
                [K(D)] = 0.0,
                [K(E)] = 0.01,
                [K(A, D)] = 0.4,
                [K(B, E)] = 0.01,
            }
        );
        var pairs = SrcPairBaseline.Find([A, B, C, D, E], probe);
        Assert.Equal(
            [
                [A, D],
            ],
            pairs
        );
        Assert.Equal(2, probe.Calls); // all singles, then all candidate pairs
    }

    [Fact]
    public void ALowPairEarlyRemovesItsNeuronsBeforeTheyCanPair()
    {
        // (A,B) 1 % removes A and B first; the restarted scan over [D, E] finds (D,E) 50 %.
        var probe = Probe(
            new()
            {
                [K(A)] = 0,
                [K(B)] = 0,
                [K(C)] = 0,
                [K(D)] = 0,
                [K(E)] = 0,
                [K(A, B)] = 0.01,
                [K(A, D)] = 0.9,
                [K(D, E)] = 0.5,
                [K(C, D)] = 0.1,
                [K(C, E)] = 0.1,
            }
        );
        // With THigh = 5 % the first surviving pair (C,D) at 10 % already qualifies.
        Assert.Equal(
            [
                [C, D],
            ],
            SrcPairBaseline.Find([A, B, C, D, E], probe, new SrcPairOptions { THigh = 0.05 })
        );
        Assert.Equal(
            [
                [D, E],
            ],
            SrcPairBaseline.Find([A, B, C, D, E], probe, new SrcPairOptions())
        );
    }

    [Fact]
    public void OnlyTheTopKNeuronsAreConsidered()
    {
        var probe = Probe(new() { [K(D, E)] = 0.9 });
        Assert.Empty(SrcPairBaseline.Find([A, B, C, D, E], probe, new SrcPairOptions { TopK = 3 }));
        Assert.DoesNotContain(probe.Seen, s => s.Contains(D));
    }
}
