using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>Options of the AMIG-paper pair baseline ("src", method.md §3.5).</summary>
public sealed record SrcPairOptions
{
    /// <summary>Only the first TopK knowledge neurons (score order) are considered.</summary>
    public int TopK { get; init; } = 15;

    /// <summary>A potential neuron's single drop, and a pair's drop that discards both, must be below this.</summary>
    public double TLow { get; init; } = 0.05;

    /// <summary>A pair whose joint drop exceeds this becomes a DKN pair.</summary>
    public double THigh { get; init; } = 0.3;
}

/// <summary>
/// The authors' get_dkn_src: singles whose drop &lt; TLow are "potential"; pairs of potentials are scanned in
/// combinations order; a pair with joint drop &gt; THigh becomes a DKN pair and its neurons are used up; a pair with
/// joint drop &lt; TLow removes both neurons from the potentials and the scan restarts. The probe answers are pure
/// functions of the set, so all singles and then all candidate pairs go in two batched calls and the scan replays them.
/// </summary>
public static class SrcPairBaseline
{
    /// <summary>
    /// Runs the authors' pair search on the first <see cref="SrcPairOptions.TopK"/> knowledge neurons (score order)
    /// with two batched probe calls; returns the DKN pairs found, each two neurons, or none.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Neuron>> Find(
        IReadOnlyList<Neuron> knowledgeNeurons,
        IAnswerProbe probe,
        SrcPairOptions? options = null
    )
    {
        options ??= new();
        var top = knowledgeNeurons.Take(options.TopK).ToArray();
        if (top.Length == 0)
            return [];
        var singles = Suppression.RelativeDrops(
            probe,
            top.Select(n => (IReadOnlyCollection<Neuron>)new[] { n }).ToArray()
        );
        var potential = top.Where((_, i) => singles[i] < options.TLow).ToList();
        if (potential.Count < 2)
            return [];

        var pairs = Combinations.Of(potential.Count, 2).Select(c => (potential[c[0]], potential[c[1]])).ToArray();
        var pairDrops = Suppression.RelativeDrops(
            probe,
            pairs.Select(p => (IReadOnlyCollection<Neuron>)new[] { p.Item1, p.Item2 }).ToArray()
        );
        var dropOf = pairs.Select((p, i) => (p, pairDrops[i])).ToDictionary(x => x.p, x => x.Item2);

        var used = new HashSet<Neuron>();
        var result = new List<IReadOnlyList<Neuron>>();
        while (potential.Count > 0)
        {
            bool restart = false;
            foreach (var c in Combinations.Of(potential.Count, 2))
            {
                var (a, b) = (potential[c[0]], potential[c[1]]);
                if (used.Contains(a) || used.Contains(b))
                    continue;
                double drop = dropOf[(a, b)];
                if (drop > options.THigh)
                {
                    result.Add(new[] { a, b });
                    used.Add(a);
                    used.Add(b);
                }
                else if (drop < options.TLow)
                {
                    potential.Remove(a);
                    potential.Remove(b);
                    restart = true;
                    break;
                }
            }
            if (!restart)
                break;
        }
        return result;
    }
}
