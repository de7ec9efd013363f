using MathNet.Numerics.Distributions;
using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>
/// One neuron set against the changed neurons: |X ∩ ΔN| / |X| against the hypergeometric null (|X| neurons drawn
/// without replacement from the population, of which |ΔN| changed). The unit is the neuron; the denominator is SetSize.
/// </summary>
/// <param name="Expected">|ΔN| / N: the overlap share of a set drawn uniformly at random.</param>
/// <param name="PEnriched">P(overlap ≥ observed) under the null.</param>
/// <param name="PDepleted">P(overlap ≤ observed) under the null.</param>
/// <param name="PValue">Two-sided: min(1, 2·min(PEnriched, PDepleted)); NaN when the definition is vacuous.</param>
/// <param name="Direction">"enriched" or "depleted" (two-sided p &lt; 0.05), "as expected", or why the comparison is
/// vacuous.</param>
/// <param name="Vacuous">Every neuron (or none) counts as changed: any set overlaps exactly as expected and nothing can
/// be learnt.</param>
public sealed record OverlapRow(
    string Definition,
    string Set,
    int SetSize,
    int Changed,
    int Population,
    int Overlap,
    double Share,
    double Expected,
    double PEnriched,
    double PDepleted,
    double PValue,
    string Direction,
    bool Vacuous
)
{
    /// <summary>The unit of analysis: the neuron.</summary>
    public string Unit => "neuron";
}

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
                    d = d.sum(1 - dim);
                    w = w.sum(1 - dim);
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

    /// <summary>The neurons whose relative change exceeds <paramref name="cut"/>, layer by layer.</summary>
    public static IReadOnlyList<Neuron> Changed(double[][] change, double cut) =>
        change
            .SelectMany((row, l) => row.Select((r, i) => (r, n: new Neuron(l, i))))
            .Where(x => x.r > cut)
            .Select(x => x.n)
            .ToList();

    /// <summary>The <paramref name="k"/> most changed neurons, ties in neuron order.</summary>
    public static IReadOnlyList<Neuron> TopK(double[][] change, int k) =>
        change
            .SelectMany((row, l) => row.Select((r, i) => (r, n: new Neuron(l, i))))
            .OrderByDescending(x => x.r)
            .ThenBy(x => x.n)
            .Take(k)
            .Select(x => x.n)
            .ToList();

    /// <summary>Two-sided p below which a set is called enriched or depleted.</summary>
    public const double Significance = 0.05;

    /// <summary>A definition under which at least this share of all neurons counts as changed is flagged
    /// vacuous.</summary>
    public const double VacuousShare = 0.95;

    /// <summary>
    /// Every definition of "changed" against every set: the cut (flagged when vacuous), the top-k with k = each set's
    /// size (or a fixed k), and the sweep of top shares of the population.
    /// </summary>
    public static IEnumerable<OverlapRow> Definitions(
        double[][] change,
        IReadOnlyDictionary<string, Neuron[]> sets,
        double cut,
        int fixedK,
        IReadOnlyList<double> shares,
        int population
    )
    {
        var byCut = Changed(change, cut);
        foreach (var (set, neurons) in sets)
            yield return Overlap($"relative change > {cut:G3}", set, neurons, byCut, population);
        foreach (var (set, neurons) in sets.Where(s => s.Value.Length > 0))
        {
            int k = fixedK > 0 ? fixedK : neurons.Length;
            yield return Overlap(
                fixedK > 0 ? $"top {k}" : "top k = set size",
                set,
                neurons,
                TopK(change, k),
                population
            );
        }
        foreach (var share in shares)
        {
            int k = Math.Max(1, (int)Math.Round(share * population));
            var top = TopK(change, k);
            foreach (var (set, neurons) in sets.Where(s => s.Value.Length > 0))
                yield return Overlap(
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"top {100 * share:0.#} %"),
                    set,
                    neurons,
                    top,
                    population
                );
        }
    }

    /// <summary>One set against one definition's changed neurons, with the hypergeometric test over the population of
    /// <paramref name="population"/> neurons.</summary>
    public static OverlapRow Overlap(
        string definition,
        string set,
        IReadOnlyCollection<Neuron> x,
        IReadOnlyCollection<Neuron> changed,
        int population
    )
    {
        var changedSet = changed.ToHashSet();
        int overlap = x.Count(changedSet.Contains);
        double share = x.Count == 0 ? double.NaN : (double)overlap / x.Count;
        double expected = population == 0 ? double.NaN : (double)changed.Count / population;
        // A definition every neuron passes (or none does) makes every set overlap as expected: say so, test nothing.
        if (changed.Count >= population || changed.Count == 0)
            return new(
                definition,
                set,
                x.Count,
                changed.Count,
                population,
                overlap,
                share,
                expected,
                double.NaN,
                double.NaN,
                double.NaN,
                changed.Count == 0 ? "vacuous: no neuron counts as changed" : "vacuous: every neuron counts as changed",
                true
            );
        if (x.Count == 0)
            return new(
                definition,
                set,
                0,
                changed.Count,
                population,
                0,
                double.NaN,
                expected,
                double.NaN,
                double.NaN,
                double.NaN,
                "empty set",
                false
            );
        var hypergeometric = new Hypergeometric(population, changed.Count, x.Count);
        double enriched = overlap == 0 ? 1.0 : 1 - hypergeometric.CumulativeDistribution(overlap - 1);
        double depleted = hypergeometric.CumulativeDistribution(overlap);
        double p = Math.Min(1, 2 * Math.Min(enriched, depleted));
        string direction =
            p >= Significance ? "as expected"
            : share > expected ? "enriched"
            : "depleted";
        // Nearly every neuron passing leaves no room to be enriched: the row is kept but flagged.
        bool vacuous = expected >= VacuousShare;
        if (vacuous)
            direction = string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"vacuous: {100 * expected:0.#} % of neurons count as changed ({direction})"
            );
        return new(
            definition,
            set,
            x.Count,
            changed.Count,
            population,
            overlap,
            share,
            expected,
            Math.Min(1, enriched),
            Math.Min(1, depleted),
            p,
            direction,
            vacuous
        );
    }
}
