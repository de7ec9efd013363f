using MlNetDkn.Degeneracy.Internal;

namespace MlNetDkn.Degeneracy;

/// <summary>
/// Symmetric |1/w| distance matrix over one fact's knowledge neurons, in the given order (zero diagonal; the
/// <see cref="StructuralGraphOptions.NoConnection"/> sentinel where there is no connection).
/// </summary>
public sealed class StructuralGraph
{
    public IReadOnlyList<Neuron> Neurons { get; }
    /// <summary>[K, K] distances; K = Neurons.Count.</summary>
    public double[,] Distances { get; }
    public int Count => Neurons.Count;

    public StructuralGraph(IReadOnlyList<Neuron> neurons, double[,] distances)
    {
        if (distances.GetLength(0) != neurons.Count || distances.GetLength(1) != neurons.Count)
            throw new DknInputException($"distance matrix is [{distances.GetLength(0)}, {distances.GetLength(1)}] but there are {neurons.Count} neurons");
        Neurons = neurons; Distances = distances;
    }

    public double this[int i, int j] => Distances[i, j];

    /// <summary>Builds the distance matrix of <paramref name="neurons"/> from their weight vectors.</summary>
    public static StructuralGraph Build(IReadOnlyList<Neuron> neurons, INeuronVectorSource vectors, StructuralGraphOptions options)
    {
        if (options.MaxSpan < 1) throw new DknInputException($"structural graph: MaxSpan must be at least 1, got {options.MaxSpan}");
        if (neurons.Distinct().Count() != neurons.Count) throw new DknInputException("structural graph: the neuron list has duplicates");
        var hops = new ConnectionWeights(vectors, options);
        var d = options.PathRule == PathRule.AuthorsCombination
            ? AuthorsPathDistances.Compute(neurons, hops, options)
            : ShortestPathDistances.Compute(neurons, hops, options);
        return new StructuralGraph(neurons.ToArray(), d);
    }
}
