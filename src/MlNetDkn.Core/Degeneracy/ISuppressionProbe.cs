namespace MlNetDkn.Degeneracy;

/// <summary>
/// The model seen only through suppression: the answer probability with no neuron touched, and with each given set of
/// neurons zeroed. One call takes many configurations so a runtime can batch them into one forward pass.
/// </summary>
public interface ISuppressionProbe
{
    /// <summary>P0: the answer probability with nothing suppressed.</summary>
    double BaselineProbability { get; }
    /// <summary>The answer probability with each set suppressed; result i belongs to set i.</summary>
    IReadOnlyList<double> Probabilities(IReadOnlyList<IReadOnlyCollection<Neuron>> suppressedSets);
}
