using MlNetDkn.Degeneracy;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Tests.Degeneracy;

/// <summary>Hand-set vectors per neuron, so connection weights are known exactly in a test.</summary>
public sealed class FakeVectors(int modelDim, bool hasUp = false) : INeuronVectorSource
{
    readonly Dictionary<Neuron, (double[] In, double[] Out, double[]? Up)> _v = [];
    public int LayerCount => 8;
    public int IntermediateSize => 64;
    public int ModelDim => modelDim;
    public bool HasUp => hasUp;

    public FakeVectors Set(Neuron n, double[] input, double[] output, double[]? up = null)
    {
        _v[n] = (input, output, up);
        return this;
    }

    public ReadOnlySpan<double> InputVector(Neuron neuron) => _v[neuron].In;

    public ReadOnlySpan<double> OutputVector(Neuron neuron) => _v[neuron].Out;

    public ReadOnlySpan<double> UpVector(Neuron neuron) => _v[neuron].Up ?? throw new InvalidOperationException();
}

/// <summary>A probe whose probability is a function of the suppressed set; counts calls and sets.</summary>
public sealed class FakeProbe(double p0, Func<IReadOnlySet<Neuron>, double> probability) : IAnswerProbe
{
    public int Calls { get; private set; }
    public List<IReadOnlySet<Neuron>> Seen { get; } = [];
    public double BaselineProbability => p0;
    public AnswerScore Baseline => new(Math.Log(p0), 0, true);

    public IReadOnlyList<AnswerScore> Score(IReadOnlyList<ProbeConfiguration> configurations)
    {
        Calls++;
        if (configurations.Any(c => c.Factor != 0))
            throw new InvalidOperationException("the fake probe only suppresses");
        var sets = configurations.Select(c => (IReadOnlySet<Neuron>)c.Neurons.ToHashSet()).ToArray();
        Seen.AddRange(sets);
        return sets.Select(s => new AnswerScore(Math.Log(probability(s)), 0, true)).ToArray();
    }

    public IReadOnlyList<double> Probabilities(IReadOnlyList<IReadOnlyCollection<Neuron>> sets) =>
        Score(sets.Select(ProbeConfiguration.Suppress).ToArray()).Select(s => s.Probability).ToArray();
}
