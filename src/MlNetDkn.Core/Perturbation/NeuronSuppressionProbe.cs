using MlNetDkn.Degeneracy;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using static TorchSharp.torch;

namespace MlNetDkn.Perturbation;

/// <summary>
/// Answer probability of one prompt under many neuron configurations, batched: the prompt prefix runs once into a
/// frozen KV cache, and every configuration is one row over the remaining positions (the last prompt token, then the
/// teacher-forced answer tokens). Row r multiplies its neurons by <see cref="Factor"/> (0 suppresses, 2 enhances) at
/// those positions only, i.e. where the answer is predicted. P(answer) is the product over answer tokens.
/// </summary>
public sealed class NeuronSuppressionProbe : ISuppressionProbe, IDisposable
{
    readonly CausalLm _model;
    readonly long[] _chunk;          // last prompt token + answer tokens except the last
    readonly long[] _answer;
    readonly KvCache _cache;
    readonly int _offset;

    public NeuronSite Site { get; }
    public double Factor { get; }
    /// <summary>Rows per forward batch.</summary>
    public int BatchSize { get; init; } = 256;
    public double BaselineProbability { get; }

    public NeuronSuppressionProbe(CausalLm model, IReadOnlyList<long> prompt, IReadOnlyList<long> answer,
        NeuronSite site = NeuronSite.Post, double factor = 0.0)
    {
        if (prompt.Count == 0) throw new DknInputException("empty prompt: the probe needs at least one prompt token");
        if (answer.Count == 0) throw new DknInputException("empty answer: the probe needs at least one answer token");
        _model = model; Site = site; Factor = factor;
        _answer = answer.ToArray();
        _chunk = [prompt[^1], .. answer.Take(answer.Count - 1)];
        _offset = prompt.Count - 1;
        _cache = new KvCache(model.Config.NumLayers);
        using (no_grad())
        using (NewDisposeScope())
            if (_offset > 0) model.Forward(tensor(prompt.Take(_offset).ToArray(), device: model.Device).unsqueeze(0), _cache);
        _cache.Frozen = true;
        BaselineProbability = Probabilities([Array.Empty<Neuron>()])[0];
    }

    public IReadOnlyList<double> Probabilities(IReadOnlyList<IReadOnlyCollection<Neuron>> configurations)
    {
        var result = new List<double>(configurations.Count);
        for (int start = 0; start < configurations.Count; start += BatchSize)
            result.AddRange(Batch(configurations.Skip(start).Take(BatchSize).ToList()));
        return result;
    }

    IEnumerable<double> Batch(IReadOnlyList<IReadOnlyCollection<Neuron>> rows)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int n = rows.Count, layers = _model.Config.NumLayers, width = _model.Config.IntermediateSize;
        // Row scales [n, d_ff] for the layers some row touches only: 1 everywhere, Factor at that row's neurons.
        var scales = new Dictionary<int, float[]>();
        for (int r = 0; r < n; r++)
            foreach (var neuron in rows[r])
            {
                if (neuron.Layer >= layers || neuron.Index >= width)
                    throw new DknInputException($"neuron {neuron} is outside the model ({layers} layers × {width} neurons)");
                if (!scales.TryGetValue(neuron.Layer, out var scale))
                    scales[neuron.Layer] = scale = Enumerable.Repeat(1f, n * width).ToArray();
                scale[r * width + neuron.Index] = (float)Factor;
            }
        var interventions = scales
            .Select(kv => (NeuronIntervention)new ScaleRows(kv.Key, Site,
                tensor(kv.Value, device: _model.Device).reshape(n, width).to_type(_model.DType), TokenPositions.All))
            .ToArray();
        var input = tensor(_chunk, device: _model.Device).unsqueeze(0).expand(n, -1);              // [n, T_a]
        Tensor logProbs;
        using (_model.Intervene(interventions))
            logProbs = _model.Forward(input, _cache).to_type(ScalarType.Float64).log_softmax(-1);     // [n, T_a, V]
        var targets = tensor(_answer, device: _model.Device).unsqueeze(0).expand(n, -1).unsqueeze(-1);
        var joint = logProbs.gather(-1, targets).squeeze(-1).sum(-1).exp();                         // [n]
        return joint.cpu().data<double>().ToArray();
    }

    public void Dispose() => _cache.Dispose();
}
