using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Perturbation.Internal;
using static TorchSharp.torch;

namespace MlNetDkn.Perturbation;

/// <summary>
/// The batched probe: the prompt prefix runs once into a frozen KV cache, and every configuration is one row over the
/// remaining positions (the last prompt token, then the teacher-forced answer tokens except the last). Row r scales
/// its neurons by its factor at those positions only, i.e. where the answer is predicted; positions before them are
/// untouched, exactly as <see cref="FullRecomputationProbe"/> does it with full forwards.
/// </summary>
public sealed class PrefixCacheProbe : IAnswerProbe, IDisposable
{
    readonly CausalLm _model;
    readonly long[] _chunk; // last prompt token + answer tokens except the last
    readonly long[] _answer;
    readonly KvCache _cache;
    readonly int _offset;

    /// <summary>Where the neurons are scaled (the neuron output by default).</summary>
    public NeuronSite Site { get; }

    /// <summary>The model probed (not owned: disposing the probe leaves it alive).</summary>
    public CausalLm Model => _model;

    /// <summary>Rows per forward batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>The score with nothing changed, computed once on construction.</summary>
    public AnswerScore Baseline { get; }

    /// <summary>Checks the inputs (non-empty prompt and answer, token ids inside the vocabulary; else <see
    /// cref="DknInputException"/>), runs the prompt prefix into the frozen cache and scores the baseline.</summary>
    public PrefixCacheProbe(
        CausalLm model,
        IReadOnlyList<long> prompt,
        IReadOnlyList<long> answer,
        NeuronSite site = NeuronSite.Post
    )
    {
        ProbeInput.Check(model, prompt, answer);
        _model = model;
        Site = site;
        _answer = answer.ToArray();
        _chunk = [prompt[^1], .. answer.Take(answer.Count - 1)];
        _offset = prompt.Count - 1;
        _cache = new KvCache(model.Config.NumLayers);
        using (no_grad())
        using (NewDisposeScope())
            if (_offset > 0)
                model
                    .Forward(tensor(prompt.Take(_offset).ToArray(), device: model.Device).unsqueeze(0), _cache)
                    .Dispose();
        _cache.Frozen = true;
        Baseline = Score([ProbeConfiguration.None])[0];
    }

    /// <summary>One score per configuration, in order, <see cref="BatchSize"/> configurations per forward
    /// pass.</summary>
    public IReadOnlyList<AnswerScore> Score(IReadOnlyList<ProbeConfiguration> configurations)
    {
        var result = new List<AnswerScore>(configurations.Count);
        for (int start = 0; start < configurations.Count; start += BatchSize)
            result.AddRange(Batch(configurations.Skip(start).Take(BatchSize).ToList()));
        return result;
    }

    AnswerScore[] Batch(IReadOnlyList<ProbeConfiguration> rows)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int n = rows.Count,
            width = _model.Config.IntermediateSize;
        // Row scales [n, d_ff] only for the layers some row touches: 1 everywhere, the row's factor at its neurons.
        // Built from the touched (row, neuron) pairs on the device: no n × d_ff array on the managed heap per batch.
        var touched = new Dictionary<int, (List<long> Rows, List<long> Neurons, List<float> Factors)>();
        for (int r = 0; r < n; r++)
            foreach (var neuron in rows[r].Neurons)
            {
                ProbeInput.CheckNeuron(_model, neuron);
                if (!touched.TryGetValue(neuron.Layer, out var pairs))
                    touched[neuron.Layer] = pairs = ([], [], []);
                pairs.Rows.Add(r);
                pairs.Neurons.Add(neuron.Index);
                pairs.Factors.Add((float)rows[r].Factor);
            }
        var interventions = touched
            .Select(kv =>
            {
                var scale = ones(n, width, _model.DType, _model.Device); // [n, d_ff]
                var factors = tensor(kv.Value.Factors.ToArray(), device: _model.Device).to_type(_model.DType);
                scale.index_put_(
                    factors,
                    tensor(kv.Value.Rows.ToArray(), device: _model.Device),
                    tensor(kv.Value.Neurons.ToArray(), device: _model.Device)
                );
                return (NeuronIntervention)new ScaleRows(kv.Key, Site, scale, TokenPositions.All);
            })
            .ToArray();
        var input = tensor(_chunk, device: _model.Device).unsqueeze(0).expand(n, -1); // [n, T_a]
        using (_model.Intervene(interventions))
            return AnswerScoring.Of(_model.Forward(input, _cache), _answer); // logits [n, T_a, V]
    }

    /// <summary>
    /// Log P(answer) per row, graph attached: row r multiplies layer l's neurons by <c>gates[l][r]</c> (L × [n, d_ff])
    /// where the answer is predicted. <paramref name="fixedActivations"/> (L × [1, T_a, d_ff], from
    /// <see cref="CleanActivations"/>) makes each gate scale the clean activations instead of the live ones.
    /// </summary>
    public Tensor GatedLogProbability(IReadOnlyList<Tensor> gates, IReadOnlyList<Tensor>? fixedActivations = null)
    {
        long n = gates[0].shape[0];
        var interventions = gates
            .Select((g, l) => (NeuronIntervention)new GateNeurons(l, Site, g, fixedActivations?[l]))
            .ToArray();
        var input = tensor(_chunk, device: _model.Device).unsqueeze(0).expand(n, -1); // [n, T_a]
        using var scope = NewDisposeScope();
        Tensor logits;
        using (_model.Intervene(interventions))
            logits = _model.Forward(input, _cache); // [n, T_a, V]
        var logProbs = logits.to_type(ScalarType.Float64).log_softmax(-1); // [n, T_a, V]
        var targets = tensor(_answer, device: _model.Device).unsqueeze(0).expand(n, -1).unsqueeze(-1); // [n, T_a, 1]
        return logProbs.gather(-1, targets).squeeze(-1).sum(-1).MoveToOuterDisposeScope(); // [n]
    }

    /// <summary>Every layer's site activations at the answer-predicting positions, unmodified: L × [1, T_a,
    /// d_ff].</summary>
    public Tensor[] CleanActivations()
    {
        using var noGrad = no_grad();
        var captures = Enumerable
            .Range(0, _model.Config.NumLayers)
            .Select(l => new CaptureActivation(l, Site, TokenPositions.All))
            .ToArray();
        try
        {
            using (NewDisposeScope())
            using (_model.Intervene(captures))
                _model.Forward(tensor(_chunk, device: _model.Device).unsqueeze(0), _cache);
            return captures.Select(c => c.Captured!.clone().DetachFromDisposeScope()).ToArray();
        }
        finally
        {
            foreach (var c in captures)
                c.Dispose();
        }
    }

    /// <summary>Frees the KV cache.</summary>
    public void Dispose() => _cache.Dispose();
}
