using MlNetDkn.Modeling.Layers;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Families.Gpt2;

/// <summary>GPT2LMHeadModel: learned positions, pre-LayerNorm blocks, tied LM head unless the checkpoint has
/// one.</summary>
public sealed class Gpt2Model : CausalLm
{
    [ComponentName(Name = "transformer")]
    readonly Gpt2Transformer _transformer;

    [ComponentName(Name = "lm_head")]
    readonly Linear? _lmHead;

    /// <summary>
    /// Builds the modules for <paramref name="config"/> in the dtype and initialisation of the current
    /// <see cref="ModuleFactory"/> scope; <see cref="ModelLoader"/> is the usual way in.
    /// </summary>
    public Gpt2Model(ModelConfig config)
        : base(nameof(Gpt2Model), config)
    {
        _transformer = new Gpt2Transformer(config);
        if (!config.TieWordEmbeddings)
            _lmHead = ModuleFactory.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<DecoderBlock> Blocks => _transformer.Layers;

    /// <inheritdoc/>
    public override Tensor Embed(Tensor tokens, Tensor positions) =>
        _transformer.TokenEmbedding.call(tokens).Plus(_transformer.PositionEmbedding.call(positions).unsqueeze(0));

    /// <inheritdoc/>
    public override Tensor FinalNorm(Tensor x) => _transformer.FinalNorm.call(x);

    /// <inheritdoc/>
    public override Tensor UnembeddingWeight => (_lmHead?.weight ?? _transformer.TokenEmbedding.weight)!;
}

/// <summary>The `transformer.*` sub-tree of GPT-2 checkpoints.</summary>
sealed class Gpt2Transformer : nn.Module
{
    [ComponentName(Name = "wte")]
    public readonly Embedding TokenEmbedding;

    [ComponentName(Name = "wpe")]
    public readonly Embedding PositionEmbedding;

    [ComponentName(Name = "h")]
    readonly ModuleList<Gpt2Block> _h;

    [ComponentName(Name = "ln_f")]
    public readonly LayerNorm FinalNorm;

    // Built once: the forward pass reads it for every layer of every call.
    IReadOnlyList<DecoderBlock>? _blocks;
    public IReadOnlyList<DecoderBlock> Layers => _blocks ??= _h.ToList<DecoderBlock>();

    public Gpt2Transformer(ModelConfig c)
        : base(nameof(Gpt2Transformer))
    {
        TokenEmbedding = ModuleFactory.Embedding(c.VocabSize, c.HiddenSize);
        PositionEmbedding = ModuleFactory.Embedding(c.MaxPositions, c.HiddenSize);
        _h = nn.ModuleList(Enumerable.Range(0, c.NumLayers).Select(_ => new Gpt2Block(c)).ToArray());
        FinalNorm = ModuleFactory.LayerNorm(c.HiddenSize, c.NormEps);
        RegisterComponents();
    }
}

sealed class Gpt2Block : DecoderBlock
{
    [ComponentName(Name = "ln_1")]
    readonly LayerNorm _ln1;

    [ComponentName(Name = "attn")]
    readonly Gpt2Attention _attn;

    [ComponentName(Name = "ln_2")]
    readonly LayerNorm _ln2;

    [ComponentName(Name = "mlp")]
    readonly Gpt2Mlp _mlp;

    public Gpt2Block(ModelConfig c)
        : base(nameof(Gpt2Block))
    {
        _ln1 = ModuleFactory.LayerNorm(c.HiddenSize, c.NormEps);
        _attn = new Gpt2Attention(c);
        _ln2 = ModuleFactory.LayerNorm(c.HiddenSize, c.NormEps);
        _mlp = new Gpt2Mlp(c);
        RegisterComponents();
    }

    public override MlpBlock Mlp => _mlp;

    public override (Tensor Residual, Tensor MlpInput) Attend(Tensor x, KvCache? cache, int layer, Tensor positions)
    {
        var residual = x.Plus(_attn.Forward(_ln1.call(x), cache, layer));
        return (residual, _ln2.call(residual));
    }
}

/// <summary>GPT-2 attention. Checkpoints store c_attn/c_proj as Conv1D [in, out]; the loader transposes them.</summary>
sealed class Gpt2Attention : nn.Module
{
    [ComponentName(Name = "c_attn")]
    readonly Linear _qkv;

    [ComponentName(Name = "c_proj")]
    readonly Linear _out;
    readonly int _heads,
        _headDim;

    public Gpt2Attention(ModelConfig c)
        : base(nameof(Gpt2Attention))
    {
        _qkv = ModuleFactory.Linear(c.HiddenSize, 3 * c.HiddenSize);
        _out = ModuleFactory.Linear(c.HiddenSize, c.HiddenSize);
        _heads = c.NumHeads;
        _headDim = c.HeadDim;
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, KvCache? cache, int layer)
    {
        long b = x.shape[0],
            t = x.shape[1];
        var qkv = _qkv.call(x).split(_heads * _headDim, -1); // 3 × [B, T, d]
        Tensor Heads(Tensor y) => y.view(b, t, _heads, _headDim).transpose(1, 2); // [B, H, T, hd]
        var (q, k, v) = (Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]));
        return _out.call(CausalAttention.Run(q, k, v, cache, layer));
    }
}

sealed class Gpt2Mlp : MlpBlock
{
    [ComponentName(Name = "c_fc")]
    readonly Linear _fc;

    [ComponentName(Name = "c_proj")]
    readonly Linear _proj;
    readonly Func<Tensor, Tensor> _act;

    public Gpt2Mlp(ModelConfig c)
        : base(nameof(Gpt2Mlp))
    {
        _fc = ModuleFactory.Linear(c.HiddenSize, c.IntermediateSize);
        _proj = ModuleFactory.Linear(c.IntermediateSize, c.HiddenSize);
        _act = Activations.ByName(c.Activation);
        RegisterComponents();
    }

    public override Tensor Pre(Tensor x) => _fc.call(x);

    public override Tensor Post(Tensor pre, Tensor x) => _act(pre);

    public override Tensor Down(Tensor post) => _proj.call(post);

    public override Tensor InputVectors => _fc.weight!; // [d_ff, d_model]
    public override Tensor OutputVectors => _proj.weight!.t(); // [d_ff, d_model]
    public override IReadOnlyList<(Parameter Parameter, int NeuronDim, bool IsInput)> NeuronParameters =>
        [(_fc.weight!, 0, true), (_fc.bias!, 0, true), (_proj.weight!, 1, false)];
}
