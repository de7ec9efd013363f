using MlNetDkn.Degeneracy.Internal;

namespace MlNetDkn.Degeneracy;

/// <summary>
/// Symmetric |1/w| distance matrix over one fact's knowledge neurons, in the given order (zero diagonal; the
/// <see cref="StructuralGraphOptions.NoConnection"/> sentinel where there is no connection).
/// </summary>
public sealed class StructuralGraph
{
    /// <summary>The fact's knowledge neurons; row and column i of <see cref="Distances"/> belong to neuron i.</summary>
    public IReadOnlyList<Neuron> Neurons { get; }

    /// <summary>[K, K] distances; K = Neurons.Count.</summary>
    public double[,] Distances { get; }

    /// <summary>K, the number of neurons.</summary>
    public int Count => Neurons.Count;

    /// <summary>Wraps a distance matrix (not copied).</summary>
    /// <exception cref="DknInputException">The matrix is not [K, K] for the K neurons.</exception>
    public StructuralGraph(IReadOnlyList<Neuron> neurons, double[,] distances)
    {
        if (distances.GetLength(0) != neurons.Count || distances.GetLength(1) != neurons.Count)
            throw new DknInputException(
                $"distance matrix is [{distances.GetLength(0)}, {distances.GetLength(1)}] but there are "
                    + $"{neurons.Count} neurons"
            );
        Neurons = neurons;
        Distances = distances;
    }

    /// <summary>
    /// Distance between neurons <paramref name="i"/> and <paramref name="j"/> (0-based positions in
    /// <see cref="Neurons"/>).
    /// </summary>
    public double this[int i, int j] => Distances[i, j];

    /// <summary>Pairs i &lt; j whose distance is below <paramref name="finiteThreshold"/> (a real
    /// connection).</summary>
    public int FiniteEdges(double finiteThreshold)
    {
        int count = 0;
        for (int i = 0; i < Count; i++)
        for (int j = i + 1; j < Count; j++)
            if (Distances[i, j] < finiteThreshold)
                count++;
        return count;
    }

    /// <summary>
    /// This graph with every "no connection" entry (at or above <paramref name="finiteThreshold"/>) replaced by twice
    /// the largest real distance, so distance-based clusterings see a finite, ordered matrix; null when no pair is
    /// connected (such a fact has no structure to cluster).
    /// </summary>
    public StructuralGraph? WithFiniteFill(double finiteThreshold)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < Count; i++)
        for (int j = 0; j < Count; j++)
            if (i != j && Distances[i, j] < finiteThreshold)
                max = Math.Max(max, Distances[i, j]);
        if (double.IsNegativeInfinity(max))
            return null;
        var d = (double[,])Distances.Clone();
        for (int i = 0; i < Count; i++)
        for (int j = 0; j < Count; j++)
            if (i != j && d[i, j] >= finiteThreshold)
                d[i, j] = 2 * max;
        return new StructuralGraph(Neurons, d);
    }

    /// <summary>Builds the distance matrix of <paramref name="neurons"/> from their weight vectors.</summary>
    public static StructuralGraph Build(
        IReadOnlyList<Neuron> neurons,
        INeuronVectorSource vectors,
        StructuralGraphOptions options
    )
    {
        options.Validate();
        if (neurons.Distinct().Count() != neurons.Count)
            throw new DknInputException("structural graph: the neuron list has duplicates");
        var hops = new ConnectionWeights(vectors, options);
        var d =
            options.PathRule == PathRule.AuthorsCombination
                ? AuthorsPathDistances.Compute(neurons, hops, options)
                : ShortestPathDistances.Compute(neurons, hops, options);
        return new StructuralGraph(neurons.ToArray(), d);
    }
}
