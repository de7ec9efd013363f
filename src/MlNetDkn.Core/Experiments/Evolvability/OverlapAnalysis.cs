using MathNet.Numerics.Distributions;
using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>One neuron set against the changed neurons: |X ∩ ΔN| / |X| and its hypergeometric null.</summary>
/// <param name="Expected">|ΔN| / N: the overlap share of a set drawn uniformly at random.</param>
/// <param name="PValue">P(overlap ≥ observed) when |X| neurons are drawn without replacement from N of which |ΔN| changed.</param>
public sealed record OverlapRow(string Definition, string Set, int SetSize, int Changed, int Population, int Overlap, double Share, double Expected, double PValue);

/// <summary>
/// E2: how much each neuron's weights moved in a fine-tune (the relative change of its input weights, bias and
/// output weights together), which neurons count as changed (above a cut, or the top-k), and the overlap of a set
/// with them against the hypergeometric null.
/// </summary>
public static class OverlapAnalysis
{
    /// <summary>Per (layer, neuron): ‖w_after − w_before‖ / ‖w_before‖ over the neuron's slices; with
    /// <paramref name="authorsFormula"/> the authors' sqrt(Δc_fc_rel² + Δc_proj_rel²) over the weight matrices'
    /// slices instead (each slice's own relative change, biases left out).</summary>
    public static double[][] RelativeChange(CausalLm before, CausalLm after, bool authorsFormula = false)
    {
        using var noGrad = no_grad();
        var result = new double[before.Config.NumLayers][];
        for (int l = 0; l < result.Length; l++)
        {
            using var scope = NewDisposeScope();
            var a = before.Blocks[l].Mlp.NeuronParameters;
            var b = after.Blocks[l].Mlp.NeuronParameters;
            var diff = zeros(before.Config.IntermediateSize, dtype: ScalarType.Float64);
            var norm = zeros(before.Config.IntermediateSize, dtype: ScalarType.Float64);
            var authors = zeros(before.Config.IntermediateSize, dtype: ScalarType.Float64);
            for (int k = 0; k < a.Count; k++)
            {
                var (pa, dim, _) = a[k];
                var pb = b[k].Parameter;
                // Sum of squares per neuron: reduce every dimension but the neuron's.
                var d = (pb.to_type(ScalarType.Float64) - pa.to_type(ScalarType.Float64)).pow(2);
                var w = pa.to_type(ScalarType.Float64).pow(2);
                if (d.dim() == 2)
                {
                    d = d.sum(1 - dim); w = w.sum(1 - dim);
                    authors += (d.cpu() / w.cpu().clamp_min(1e-300));
                }
                diff += d.cpu();
                norm += w.cpu();
            }
            var r = authorsFormula ? authors.sqrt() : diff.sqrt() / norm.sqrt().clamp_min(1e-300);
            result[l] = r.data<double>().ToArray();
        }
        return result;
    }

    public static IReadOnlyList<Neuron> Changed(double[][] change, double cut) =>
        change.SelectMany((row, l) => row.Select((r, i) => (r, n: new Neuron(l, i)))).Where(x => x.r > cut).Select(x => x.n).ToList();

    public static IReadOnlyList<Neuron> TopK(double[][] change, int k) =>
        change.SelectMany((row, l) => row.Select((r, i) => (r, n: new Neuron(l, i)))).OrderByDescending(x => x.r).ThenBy(x => x.n).Take(k).Select(x => x.n).ToList();

    public static OverlapRow Overlap(string definition, string set, IReadOnlyCollection<Neuron> x, IReadOnlyCollection<Neuron> changed, int population)
    {
        var changedSet = changed.ToHashSet();
        int overlap = x.Count(changedSet.Contains);
        double share = x.Count == 0 ? double.NaN : (double)overlap / x.Count;
        double expected = population == 0 ? double.NaN : (double)changed.Count / population;
        double p = x.Count == 0 ? double.NaN : overlap == 0 ? 1.0
            : 1 - new Hypergeometric(population, changed.Count, x.Count).CumulativeDistribution(overlap - 1);
        return new OverlapRow(definition, set, x.Count, changed.Count, population, overlap, share, expected, p);
    }
}
