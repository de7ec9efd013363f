using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Modeling.Layers;
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
    readonly Device _device; // the model's, read once (each read walks its parameters)
    readonly ScalarType _dtype;

    /// <summary>Where the neurons are scaled (the neuron output by default).</summary>
    public NeuronSite Site { get; }

    /// <summary>The model probed (not owned: disposing the probe leaves it alive).</summary>
    public CausalLm Model => _model;

    /// <summary>Rows per forward batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// Keep layer 0 up to its neuron site (embedding, attention, the projections into the site: no intervention at the
    /// probe's site changes them) for the last few row counts, and start every scored or gated pass of that many rows
    /// there. The same products on the same rows as a pass from the embedding, so the same bits; false runs every pass
    /// from the embedding (the earlier evaluation, kept to measure the difference).
    /// </summary>
    public bool KeepsLayer0 { get; init; } = true;

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
        _device = model.Device;
        _dtype = model.DType;
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
                var scale = ones(n, width, _dtype, _device); // [n, d_ff]
                var factors = tensor(kv.Value.Factors.ToArray(), device: _device).to_type(_dtype);
                scale.index_put_(
                    factors,
                    tensor(kv.Value.Rows.ToArray(), device: _device),
                    tensor(kv.Value.Neurons.ToArray(), device: _device)
                );
                return (NeuronIntervention)new ScaleRows(kv.Key, Site, scale, TokenPositions.All);
            })
            .ToArray();
        bool fromLayer0 = KeepsLayer0 && _model.Interventions.IsEmpty;
        var input = tensor(_chunk, device: _device).unsqueeze(0).expand(n, -1); // [n, T_a]
        using (_model.Intervene(interventions))
            return AnswerScoring.Of(fromLayer0 ? FromLayer0(n) : _model.Forward(input, _cache), _answer); // [n, T_a, V]
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
        var input = tensor(_chunk, device: _device).unsqueeze(0).expand(n, -1); // [n, T_a]
        using var scope = NewDisposeScope();
        Tensor logits;
        using (_model.Intervene(interventions))
            logits = _model.Forward(input, _cache); // [n, T_a, V]
        var logProbs = logits.to_type(ScalarType.Float64).log_softmax(-1); // [n, T_a, V]
        var targets = tensor(_answer, device: _device).unsqueeze(0).expand(n, -1).unsqueeze(-1); // [n, T_a, 1]
        return logProbs.gather(-1, targets).squeeze(-1).sum(-1).MoveToOuterDisposeScope(); // [n]
    }

    /// <summary>
    /// The gated log-probability above, starting at layer 0's site from the kept layer 0 (<see cref="KeepsLayer0"/>;
    /// the same bits). Runs from the embedding while other interventions are active (they might act before the gate).
    /// </summary>
    internal Tensor GatedLogProbabilityFromPrefix(IReadOnlyList<Tensor> gates, IReadOnlyList<Tensor>? fixedActivations)
    {
        if (!KeepsLayer0 || !_model.Interventions.IsEmpty)
            return GatedLogProbability(gates, fixedActivations);
        long n = gates[0].shape[0];
        var interventions = gates
            .Select((g, l) => (NeuronIntervention)new GateNeurons(l, Site, g, fixedActivations?[l]))
            .ToArray();
        using var scope = NewDisposeScope();
        Tensor logits;
        using (_model.Intervene(interventions))
            logits = FromLayer0(n); // [n, T_a, V]
        var logProbs = logits.to_type(ScalarType.Float64).log_softmax(-1); // [n, T_a, V]
        var targets = tensor(_answer, device: _device).unsqueeze(0).expand(n, -1).unsqueeze(-1); // [n, T_a, 1]
        return logProbs.gather(-1, targets).squeeze(-1).sum(-1).MoveToOuterDisposeScope(); // [n]
    }

    /// <summary>Logits [n, T_a, V] of n rows under the active interventions, from the kept layer 0's site on: what
    /// <c>Forward</c> computes from the embedding while no intervention acts before that site.</summary>
    Tensor FromLayer0(long n)
    {
        var kept = KeptLayer0(n);
        using var scope = NewDisposeScope();
        var positions = _model.PositionsFor(_offset, _chunk.Length);
        var site = _model.Interventions.Apply(0, Site, kept.Site, _offset); // [n, T_a, d_ff]
        var x = kept.Residual.Plus(_model.RunMlpFromSite(0, Site, site, kept.MlpInput, _offset));
        for (int l = 1; l < _model.Config.NumLayers; l++)
            x = _model.ForwardBlock(l, x, _cache, positions, _offset);
        return _model.Head(x).MoveToOuterDisposeScope();
    }

    /// <summary>Layer 0 up to its neuron site for n identical rows: the residual after attention and the MLP input
    /// ([n, T_a, d_model]), and the site's activations ([n, T_a, d_ff]).</summary>
    sealed record Layer0(Tensor Residual, Tensor MlpInput, Tensor Site) : IDisposable
    {
        public void Dispose()
        {
            Residual.Dispose();
            MlpInput.Dispose();
            Site.Dispose();
        }
    }

    // The last few row counts' layer 0, oldest first: a miss costs what the pass would have cost anyway.
    const int KeptRowCounts = 8;
    readonly Dictionary<long, Layer0> _prefixes = [];
    readonly Queue<long> _prefixOrder = new();

    Layer0 KeptLayer0(long n)
    {
        lock (_prefixes)
        {
            if (_prefixes.TryGetValue(n, out var known))
                return known;
            Layer0 kept;
            using (no_grad())
            using (NewDisposeScope())
            {
                // Exactly the steps of a forward of n rows up to layer 0's site (Hidden, ForwardBlock, RunMlp).
                var input = tensor(_chunk, device: _device).unsqueeze(0).expand(n, -1); // [n, T_a]
                var positions = _model.PositionsFor(_offset, _chunk.Length);
                var embedded = _model.Embed(input, positions);
                var (residual, mlpInput) = _model.Blocks[0].Attend(embedded, _cache, 0, positions);
                var mlp = _model.Blocks[0].Mlp;
                var pre = mlp.Pre(mlpInput);
                var site = Site == NeuronSite.Pre ? pre : mlp.Post(pre, mlpInput);
                kept = new Layer0(
                    residual.detach().DetachFromDisposeScope(),
                    mlpInput.detach().DetachFromDisposeScope(),
                    site.detach().DetachFromDisposeScope()
                );
            }
            if (_prefixOrder.Count >= KeptRowCounts)
            {
                long oldest = _prefixOrder.Dequeue();
                _prefixes[oldest].Dispose();
                _prefixes.Remove(oldest);
            }
            _prefixes[n] = kept;
            _prefixOrder.Enqueue(n);
            return kept;
        }
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
                _model.Forward(tensor(_chunk, device: _device).unsqueeze(0), _cache);
            return captures.Select(c => c.Captured!.clone().DetachFromDisposeScope()).ToArray();
        }
        finally
        {
            foreach (var c in captures)
                c.Dispose();
        }
    }

    Tensor[]? _sharedClean;

    /// <summary>
    /// <see cref="CleanActivations"/> computed on first use and kept (owned by the probe, freed with it): every
    /// knockout round with replaced activations reads the same clean pass.
    /// </summary>
    internal IReadOnlyList<Tensor> SharedCleanActivations() => _sharedClean ??= CleanActivations();

    /// <summary>Frees the KV cache, the kept layer 0 and the kept clean activations.</summary>
    public void Dispose()
    {
        _cache.Dispose();
        foreach (var p in _prefixes.Values)
            p.Dispose();
        _prefixes.Clear();
        _prefixOrder.Clear();
        foreach (var c in _sharedClean ?? [])
            c.Dispose();
        _sharedClean = null;
    }
}
