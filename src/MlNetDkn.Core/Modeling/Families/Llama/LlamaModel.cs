using MlNetDkn.Modeling.Layers;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Families.Llama;

/// <summary>
/// LlamaForCausalLM and Qwen2ForCausalLM (same layout; Qwen2 adds q/k/v biases and usually ties the head):
/// RMSNorm, rotary positions, SwiGLU MLP, grouped-query attention.
/// </summary>
public sealed class LlamaModel : CausalLm
{
    [ComponentName(Name = "model")]
    readonly LlamaBackbone _model;

    [ComponentName(Name = "lm_head")]
    readonly Linear? _lmHead;

    /// <summary>
    /// Builds the modules for <paramref name="config"/> in the dtype and initialisation of the current
    /// <see cref="ModuleFactory"/> scope; <see cref="ModelLoader"/> is the usual way in.
    /// </summary>
    public LlamaModel(ModelConfig config)
        : base(nameof(LlamaModel), config)
    {
        _model = new LlamaBackbone(config);
        if (!config.TieWordEmbeddings)
            _lmHead = ModuleFactory.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<DecoderBlock> Blocks => _model.Layers;

    /// <inheritdoc/>
    public override Tensor Embed(Tensor tokens, Tensor positions) => _model.EmbedTokens.call(tokens);

    /// <inheritdoc/>
    public override Tensor FinalNorm(Tensor x) => _model.Norm.call(x);

    /// <inheritdoc/>
    public override Tensor UnembeddingWeight => (_lmHead?.weight ?? _model.EmbedTokens.weight)!;
}

/// <summary>The `model.*` sub-tree of LLaMA/Qwen2 checkpoints.</summary>
sealed class LlamaBackbone : nn.Module
{
    [ComponentName(Name = "embed_tokens")]
    public readonly Embedding EmbedTokens;

    [ComponentName(Name = "layers")]
    readonly ModuleList<LlamaBlock> _layers;

    [ComponentName(Name = "norm")]
    public readonly RmsNorm Norm;

    // Built once: the forward pass reads it for every layer of every call.
    IReadOnlyList<DecoderBlock>? _blocks;
    public IReadOnlyList<DecoderBlock> Layers => _blocks ??= _layers.ToList<DecoderBlock>();

    public LlamaBackbone(ModelConfig c)
        : base(nameof(LlamaBackbone))
    {
        EmbedTokens = ModuleFactory.Embedding(c.VocabSize, c.HiddenSize);
        _layers = nn.ModuleList(Enumerable.Range(0, c.NumLayers).Select(_ => new LlamaBlock(c)).ToArray());
        Norm = new RmsNorm(c.HiddenSize, c.NormEps);
        RegisterComponents();
    }
}

sealed class LlamaBlock : DecoderBlock
{
    [ComponentName(Name = "input_layernorm")]
    readonly RmsNorm _inputNorm;

    [ComponentName(Name = "self_attn")]
    readonly LlamaAttention _attn;

    [ComponentName(Name = "post_attention_layernorm")]
    readonly RmsNorm _postNorm;

    [ComponentName(Name = "mlp")]
    readonly GatedMlp _mlp;

    public LlamaBlock(ModelConfig c)
        : base(nameof(LlamaBlock))
    {
        _inputNorm = new RmsNorm(c.HiddenSize, c.NormEps);
        _attn = new LlamaAttention(c);
        _postNorm = new RmsNorm(c.HiddenSize, c.NormEps);
        _mlp = new GatedMlp(c);
        RegisterComponents();
    }

    public override MlpBlock Mlp => _mlp;

    public override (Tensor Residual, Tensor MlpInput) Attend(Tensor x, KvCache? cache, int layer, Tensor positions)
    {
        var residual = x.Plus(_attn.Forward(_inputNorm.call(x), cache, layer, positions));
        return (residual, _postNorm.call(residual));
    }
}

sealed class LlamaAttention : nn.Module
{
    [ComponentName(Name = "q_proj")]
    readonly Linear _q;

    [ComponentName(Name = "k_proj")]
    readonly Linear _k;

    [ComponentName(Name = "v_proj")]
    readonly Linear _v;

    [ComponentName(Name = "o_proj")]
    readonly Linear _o;
    readonly int _heads,
        _kvHeads,
        _headDim;
    readonly RotaryEmbedding _rotary;

    public LlamaAttention(ModelConfig c)
        : base(nameof(LlamaAttention))
    {
        _heads = c.NumHeads;
        _kvHeads = c.NumKvHeads;
        _headDim = c.HeadDim;
        _q = ModuleFactory.Linear(c.HiddenSize, _heads * _headDim, hasBias: c.AttentionBias);
        _k = ModuleFactory.Linear(c.HiddenSize, _kvHeads * _headDim, hasBias: c.AttentionBias);
        _v = ModuleFactory.Linear(c.HiddenSize, _kvHeads * _headDim, hasBias: c.AttentionBias);
        _o = ModuleFactory.Linear(
            _heads * _headDim,
            c.HiddenSize,
            hasBias: c.Family == ModelFamily.Llama && c.AttentionBias
        );
        _rotary = new RotaryEmbedding(c.RotaryDim, c.RopeTheta, c.RopeScaling);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, KvCache? cache, int layer, Tensor positions)
    {
        long b = x.shape[0],
            t = x.shape[1];
        var q = _rotary.Apply(_q.call(x).view(b, t, _heads, _headDim).transpose(1, 2), positions); // [B, H, T, hd]
        var k = _rotary.Apply(_k.call(x).view(b, t, _kvHeads, _headDim).transpose(1, 2), positions); // [B, Hkv, T, hd]
        var v = _v.call(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);
        return _o.call(CausalAttention.Run(q, k, v, cache, layer));
    }
}

/// <summary>SwiGLU MLP: down(act(gate(x)) · up(x)). The pre-activation site is the gate output.</summary>
sealed class GatedMlp : MlpBlock
{
    [ComponentName(Name = "gate_proj")]
    readonly Linear _gate;

    [ComponentName(Name = "up_proj")]
    readonly Linear _up;

    [ComponentName(Name = "down_proj")]
    readonly Linear _down;
    readonly Func<Tensor, Tensor> _act;

    public GatedMlp(ModelConfig c)
        : base(nameof(GatedMlp))
    {
        _gate = ModuleFactory.Linear(c.HiddenSize, c.IntermediateSize, hasBias: c.MlpBias);
        _up = ModuleFactory.Linear(c.HiddenSize, c.IntermediateSize, hasBias: c.MlpBias);
        _down = ModuleFactory.Linear(c.IntermediateSize, c.HiddenSize, hasBias: c.MlpBias);
        _act = Activations.ByName(c.Activation);
        RegisterComponents();
    }

    public override Tensor Pre(Tensor x) => _gate.call(x);

    public override Tensor Post(Tensor pre, Tensor x) => _act(pre) * _up.call(x);

    public override Tensor Down(Tensor post) => _down.call(post);

    public override Tensor InputVectors => _gate.weight!; // [d_ff, d_model]
    public override Tensor OutputVectors => _down.weight!.t(); // [d_ff, d_model]
    public override Tensor? UpVectors => _up.weight!;
    public override IReadOnlyList<(Parameter Parameter, int NeuronDim, bool IsInput)> NeuronParameters =>
        [
            (_gate.weight!, 0, true),
            .. _gate.bias is { } gb ? new[] { (gb, 0, true) } : [],
            (_up.weight!, 0, true),
            .. _up.bias is { } ub ? new[] { (ub, 0, true) } : [],
            (_down.weight!, 1, false),
        ];
}
