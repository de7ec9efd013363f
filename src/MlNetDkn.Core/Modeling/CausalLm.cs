using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Modeling.Layers;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling;

/// <summary>The feed-forward part of a block, split at its two neuron sites.</summary>
public abstract class MlpBlock(string name) : nn.Module(name)
{
    /// <summary>MLP pre-activation [B, T, d_ff] (c_fc / gate_proj / dense_h_to_4h output).</summary>
    public abstract Tensor Pre(Tensor x);

    /// <summary>Neuron output [B, T, d_ff], the down projection's input: act(pre), or act(pre)·up(x) for gated
    /// MLPs.</summary>
    public abstract Tensor Post(Tensor pre, Tensor x);

    /// <summary>Down projection [B, T, d_model].</summary>
    public abstract Tensor Down(Tensor post);

    /// <summary>Rows i of this matrix [d_ff, d_model] are the vectors neuron i reads (c_fc column / gate_proj
    /// row).</summary>
    public abstract Tensor InputVectors { get; }

    /// <summary>Rows i of this matrix [d_ff, d_model] are the vectors neuron i writes (c_proj row / down_proj
    /// column).</summary>
    public abstract Tensor OutputVectors { get; }

    /// <summary>Rows of up_proj for gated MLPs, else null.</summary>
    public virtual Tensor? UpVectors => null;

    /// <summary>Every parameter that belongs to the neurons, with the dimension indexed by neuron: the input
    /// weights and their biases (dim 0 of c_fc / gate_proj / up_proj / dense_h_to_4h) and the output weights
    /// (dim 1 of c_proj / down_proj / dense_4h_to_h). Slice i along that dimension is neuron i's.</summary>
    public abstract IReadOnlyList<(
        TorchSharp.Modules.Parameter Parameter,
        int NeuronDim,
        bool IsInput
    )> NeuronParameters { get; }
}

/// <summary>
/// A transformer block seen as "attention stage, then MLP": every family's block output is
/// <c>Residual + Mlp(MlpInput)</c> (sequential: Residual = x + attn, MlpInput = norm2(Residual);
/// NeoX parallel: Residual = x + attn(norm1 x), MlpInput = norm2(x)).
/// </summary>
public abstract class DecoderBlock(string name) : nn.Module(name)
{
    /// <param name="x">[B, T, d_model]</param>
    /// <param name="positions">[T] absolute positions</param>
    public abstract (Tensor Residual, Tensor MlpInput) Attend(Tensor x, KvCache? cache, int layer, Tensor positions);

    /// <summary>The block's feed-forward part, with its two neuron sites.</summary>
    public abstract MlpBlock Mlp { get; }
}

/// <summary>
/// A causal language model with explicit MLP neuron sites and an optional KV cache. Families implement embedding,
/// blocks and head; the forward pass, the sites and the interventions are shared here.
/// </summary>
public abstract class CausalLm(string name, ModelConfig config) : nn.Module(name)
{
    /// <summary>The configuration the model was built from.</summary>
    public ModelConfig Config { get; } = config;

    /// <summary>The interventions active during forward passes, pushed by <see cref="Intervene"/>.</summary>
    public InterventionSet Interventions { get; } = new();

    /// <summary>
    /// Token (plus, for GPT-2, learned position) embedding: tokens [B, T] int64 and positions [T] → [B, T, d_model].
    /// </summary>
    public abstract Tensor Embed(Tensor tokens, Tensor positions);

    /// <summary>The transformer blocks, layer 0 first.</summary>
    public abstract IReadOnlyList<DecoderBlock> Blocks { get; }

    /// <summary>The final norm: [B, T, d_model] → [B, T, d_model].</summary>
    public abstract Tensor FinalNorm(Tensor x);

    /// <summary>The unembedding matrix [vocab, d_model] (the LM head, or the token embedding when tied).</summary>
    public abstract Tensor UnembeddingWeight { get; }

    /// <summary>Final norm and LM head: [B, T, d_model] → [B, T, vocab].</summary>
    public Tensor Head(Tensor x) => FinalNorm(x).matmul(UnembeddingWeight.t());

    /// <summary>The device of the model's parameters (taken from the first parameter).</summary>
    public Device Device => parameters().First().device;

    /// <summary>The element type of the model's parameters (taken from the first parameter).</summary>
    public ScalarType DType => parameters().First().dtype;

    /// <summary>Activates interventions until the scope is disposed.</summary>
    public IDisposable Intervene(params NeuronIntervention[] interventions) => Interventions.Push(interventions);

    /// <summary>tokens: [B, T] int64. Returns logits [B, T, vocab]. With a cache, positions continue after
    /// it.</summary>
    public Tensor Forward(Tensor tokens, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        return Head(Hidden(tokens, cache)).MoveToOuterDisposeScope();
    }

    /// <summary>tokens: [B, T] int64 → the last block's output [B, T, d_model], without the LM head (for passes that
    /// only read neuron sites: the head over every position would cost more than a block).</summary>
    public Tensor Hidden(Tensor tokens, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        int offset = cache?.Length ?? 0;
        // Learned position embeddings end at MaxPositions; past them libtorch would only say "index out of range".
        if (Config.Family == ModelFamily.Gpt2 && offset + tokens.shape[1] > Config.MaxPositions)
            throw new DknInputException(
                $"a sequence of {offset + tokens.shape[1]} tokens is longer than the model's {Config.MaxPositions} "
                    + $"positions"
            );
        if (tokens.numel() > 0)
        {
            long low = tokens.min().item<long>(),
                high = tokens.max().item<long>();
            if (low < 0 || high >= Config.VocabSize)
                throw new DknInputException(
                    $"token id {(low < 0 ? low : high)} is outside the model's vocabulary of {Config.VocabSize} ids"
                );
        }
        var positions = PositionsFor(offset, (int)tokens.shape[1]);
        var x = Embed(tokens, positions);
        for (int l = 0; l < Blocks.Count; l++)
            x = ForwardBlock(l, x, cache, positions, offset);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The absolute positions offset, …, offset + length − 1 as an int64 tensor [length] on the model's device.
    /// </summary>
    public Tensor PositionsFor(int offset, int length) => arange(offset, offset + length, ScalarType.Int64, Device);

    /// <summary>One block, with the interventions of its layer applied at the neuron sites.</summary>
    public Tensor ForwardBlock(int layer, Tensor x, KvCache? cache, Tensor positions, int offset)
    {
        var (residual, mlpInput) = Blocks[layer].Attend(x, cache, layer, positions);
        return residual.Plus(RunMlp(layer, mlpInput, offset));
    }

    /// <summary>The MLP of one layer with its neuron sites consulted: [B, T, d_model] → [B, T, d_model].</summary>
    public Tensor RunMlp(int layer, Tensor mlpInput, int offset)
    {
        var mlp = Blocks[layer].Mlp;
        var pre = Interventions.Apply(layer, NeuronSite.Pre, mlp.Pre(mlpInput), offset);
        var post = Interventions.Apply(layer, NeuronSite.Post, mlp.Post(pre, mlpInput), offset);
        return mlp.Down(post);
    }

    /// <summary>
    /// The MLP of one layer from a neuron site on, the site's values given ([B, T, d_ff]): what <see cref="RunMlp"/>
    /// returns with those values replacing the site at every position, without computing the projection into the site.
    /// Interventions at later sites are still consulted. <paramref name="mlpInput"/> ([B or 1, T, d_model]) is only
    /// read by a gated MLP's up projection when the site is the pre-activation, and broadcasts.
    /// </summary>
    public Tensor RunMlpFromSite(int layer, NeuronSite site, Tensor siteValues, Tensor mlpInput, int offset)
    {
        var mlp = Blocks[layer].Mlp;
        var post =
            site == NeuronSite.Pre
                ? Interventions.Apply(layer, NeuronSite.Post, mlp.Post(siteValues, mlpInput), offset)
                : siteValues;
        return mlp.Down(post);
    }
}
