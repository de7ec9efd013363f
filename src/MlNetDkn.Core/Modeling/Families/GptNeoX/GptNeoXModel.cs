using MlNetDkn.Modeling.Layers;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Families.GptNeoX;

/// <summary>
/// GPTNeoXForCausalLM (Pythia): fused query_key_value laid out per head as [q | k | v], partial rotary, and a
/// parallel residual x + attn(ln1 x) + mlp(ln2 x) or a sequential one, as the config says.
/// </summary>
public sealed class GptNeoXModel : CausalLm
{
    [ComponentName(Name = "gpt_neox")]
    readonly GptNeoXBackbone _backbone;

    [ComponentName(Name = "embed_out")]
    readonly Linear? _embedOut;

    /// <summary>
    /// Builds the modules for <paramref name="config"/> in the dtype and initialisation of the current
    /// <see cref="ModuleFactory"/> scope; <see cref="ModelLoader"/> is the usual way in.
    /// </summary>
    public GptNeoXModel(ModelConfig config)
        : base(nameof(GptNeoXModel), config)
    {
        _backbone = new GptNeoXBackbone(config);
        if (!config.TieWordEmbeddings)
            _embedOut = ModuleFactory.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<DecoderBlock> Blocks => _backbone.Layers;

    /// <inheritdoc/>
    public override Tensor Embed(Tensor tokens, Tensor positions) => _backbone.EmbedIn.call(tokens);

    /// <inheritdoc/>
    public override Tensor FinalNorm(Tensor x) => _backbone.FinalNorm.call(x);

    /// <inheritdoc/>
    public override Tensor UnembeddingWeight => (_embedOut?.weight ?? _backbone.EmbedIn.weight)!;
}

sealed class GptNeoXBackbone : nn.Module
{
    [ComponentName(Name = "embed_in")]
    public readonly Embedding EmbedIn;

    [ComponentName(Name = "layers")]
    readonly ModuleList<GptNeoXBlock> _layers;

    [ComponentName(Name = "final_layer_norm")]
    public readonly LayerNorm FinalNorm;

    // Built once: the forward pass reads it for every layer of every call.
    IReadOnlyList<DecoderBlock>? _blocks;
    public IReadOnlyList<DecoderBlock> Layers => _blocks ??= _layers.ToList<DecoderBlock>();

    public GptNeoXBackbone(ModelConfig c)
        : base(nameof(GptNeoXBackbone))
    {
        EmbedIn = ModuleFactory.Embedding(c.VocabSize, c.HiddenSize);
        _layers = nn.ModuleList(Enumerable.Range(0, c.NumLayers).Select(_ => new GptNeoXBlock(c)).ToArray());
        FinalNorm = ModuleFactory.LayerNorm(c.HiddenSize, c.NormEps);
        RegisterComponents();
    }
}

sealed class GptNeoXBlock : DecoderBlock
{
    [ComponentName(Name = "input_layernorm")]
    readonly LayerNorm _inputNorm;

    [ComponentName(Name = "post_attention_layernorm")]
    readonly LayerNorm _postNorm;

    [ComponentName(Name = "attention")]
    readonly GptNeoXAttention _attention;

    [ComponentName(Name = "mlp")]
    readonly GptNeoXMlp _mlp;
    readonly bool _parallel;

    public GptNeoXBlock(ModelConfig c)
        : base(nameof(GptNeoXBlock))
    {
        _inputNorm = ModuleFactory.LayerNorm(c.HiddenSize, c.NormEps);
        _postNorm = ModuleFactory.LayerNorm(c.HiddenSize, c.NormEps);
        _attention = new GptNeoXAttention(c);
        _mlp = new GptNeoXMlp(c);
        _parallel = c.ParallelResidual;
        RegisterComponents();
    }

    public override MlpBlock Mlp => _mlp;

    public override (Tensor Residual, Tensor MlpInput) Attend(Tensor x, KvCache? cache, int layer, Tensor positions)
    {
        var residual = x.Plus(_attention.Forward(_inputNorm.call(x), cache, layer, positions));
        return (residual, _postNorm.call(_parallel ? x : residual));
    }
}

sealed class GptNeoXAttention : nn.Module
{
    [ComponentName(Name = "query_key_value")]
    readonly Linear _qkv;

    [ComponentName(Name = "dense")]
    readonly Linear _dense;
    readonly int _heads,
        _headDim;
    readonly RotaryEmbedding _rotary;

    public GptNeoXAttention(ModelConfig c)
        : base(nameof(GptNeoXAttention))
    {
        _heads = c.NumHeads;
        _headDim = c.HeadDim;
        _qkv = ModuleFactory.Linear(c.HiddenSize, 3 * c.HiddenSize, hasBias: c.AttentionBias);
        _dense = ModuleFactory.Linear(c.HiddenSize, c.HiddenSize, hasBias: c.AttentionBias);
        _rotary = new RotaryEmbedding(c.RotaryDim, c.RopeTheta);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, KvCache? cache, int layer, Tensor positions)
    {
        long b = x.shape[0],
            t = x.shape[1];
        var qkv = _qkv.call(x).view(b, t, _heads, 3 * _headDim).transpose(1, 2); // [B, H, T, 3·hd]
        var parts = qkv.split(_headDim, -1);
        var q = _rotary.Apply(parts[0], positions);
        var k = _rotary.Apply(parts[1], positions);
        var v = parts[2];
        return _dense.call(CausalAttention.Run(q, k, v, cache, layer));
    }
}

sealed class GptNeoXMlp : MlpBlock
{
    [ComponentName(Name = "dense_h_to_4h")]
    readonly Linear _up;

    [ComponentName(Name = "dense_4h_to_h")]
    readonly Linear _down;
    readonly Func<Tensor, Tensor> _act;

    public GptNeoXMlp(ModelConfig c)
        : base(nameof(GptNeoXMlp))
    {
        _up = ModuleFactory.Linear(c.HiddenSize, c.IntermediateSize);
        _down = ModuleFactory.Linear(c.IntermediateSize, c.HiddenSize);
        _act = Activations.ByName(c.Activation);
        RegisterComponents();
    }

    public override Tensor Pre(Tensor x) => _up.call(x);

    public override Tensor Post(Tensor pre, Tensor x) => _act(pre);

    public override Tensor Down(Tensor post) => _down.call(post);

    public override Tensor InputVectors => _up.weight!;
    public override Tensor OutputVectors => _down.weight!.t();
    public override IReadOnlyList<(Parameter Parameter, int NeuronDim, bool IsInput)> NeuronParameters =>
        [(_up.weight!, 0, true), (_up.bias!, 0, true), (_down.weight!, 1, false)];
}
