using MathNet.Numerics.Statistics;

namespace MlNetDkn.Attribution.Agreement;

/// <summary>How far two score maps of one prompt ([layer][neuron]) agree on which neurons matter.</summary>
public static class RankAgreement
{
    /// <summary>|top-k(a) ∩ top-k(b)| / k, the top k by score (ties by layer, then index, as the selection orders
    /// them).</summary>
    public static double TopKOverlap(double[][] a, double[][] b, int k)
    {
        var top = Top(a, k).ToHashSet();
        return Top(b, k).Count(top.Contains) / (double)Math.Min(k, Count(a));
    }

    /// <summary>Spearman's rank correlation over every neuron (ties get their average rank); NaN when a map is
    /// constant.</summary>
    public static double Spearman(double[][] a, double[][] b)
    {
        if (Count(a) != Count(b))
            throw new ArgumentException($"score maps differ in size ({Count(a)} vs {Count(b)} neurons)");
        return Correlation.Spearman(a.SelectMany(r => r), b.SelectMany(r => r));
    }

    static IEnumerable<Neuron> Top(double[][] scores, int k) =>
        scores
            .SelectMany((row, l) => row.Select((s, i) => (Neuron: new Neuron(l, i), Score: s)))
            .OrderByDescending(n => n.Score)
            .ThenBy(n => n.Neuron)
            .Take(k)
            .Select(n => n.Neuron);

    static int Count(double[][] scores) => scores.Sum(r => r.Length);
}
