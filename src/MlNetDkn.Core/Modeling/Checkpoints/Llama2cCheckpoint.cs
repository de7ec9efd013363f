using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Checkpoints;

/// <summary>
/// Karpathy's llama2.c checkpoint (legacy v0 format): seven int32 header fields, then float32 arrays in a fixed order.
/// Its query/key rows use the interleaved rotary layout; they are permuted into the "rotate half" layout of Hugging
/// Face LLaMA, exactly as transformers' conversion script does, so one LLaMA implementation serves both.
/// </summary>
public static class Llama2cCheckpoint
{
    /// <summary>Reads a llama2.c .bin checkpoint into a Llama config and Hugging Face-named tensors.</summary>
    /// <exception cref="DknInputException">The file is missing, truncated or has an invalid header.</exception>
    public static (ModelConfig Config, CheckpointTensors Tensors) Read(string path)
    {
        if (!File.Exists(path))
            throw new DknInputException($"{path}: file not found");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 28)
            throw new CheckpointException($"{path}: too short for a llama2.c header ({bytes.Length} bytes, need 28)");
        if (BitConverter.ToUInt32(bytes, 0) == 0x616b3432)
            throw new CheckpointException(
                $"{path}: llama2.c version-1+ export (magic 'ak42') is not supported; export with the legacy v0 format"
            );
        var h = Enumerable.Range(0, 7).Select(i => BitConverter.ToInt32(bytes, 4 * i)).ToArray();
        int dim = h[0],
            hidden = h[1],
            layers = h[2],
            heads = h[3],
            kvHeads = h[4],
            vocabSigned = h[5],
            seqLen = h[6];
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || seqLen <= 0 || dim % heads != 0)
            throw new CheckpointException($"{path}: implausible llama2.c header [{string.Join(", ", h)}]");
        bool tied = vocabSigned > 0;
        int vocab = Math.Abs(vocabSigned),
            headDim = dim / heads,
            kvDim = kvHeads * headDim;

        var config = new ModelConfig
        {
            Family = ModelFamily.Llama,
            VocabSize = vocab,
            HiddenSize = dim,
            IntermediateSize = hidden,
            NumLayers = layers,
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = headDim,
            MaxPositions = seqLen,
            NormEps = 1e-5,
            Activation = "silu",
            RopeTheta = 10000,
            TieWordEmbeddings = tied,
            BosTokenId = 1,
            EosTokenId = 2,
        };

        long offset = 28;
        var tensors = new CheckpointTensors();
        long[] Take(string name, params long[] shape)
        {
            long count = shape.Aggregate(1L, (a, b) => a * b);
            long start = offset;
            offset += 4 * count;
            if (offset > bytes.Length)
                throw new CheckpointException(
                    $"{path}: truncated: '{name}' needs bytes {start}..{offset}, file has {bytes.Length}"
                );
            return [start, count];
        }
        Tensor Slice(long start, long count, long[] shape)
        {
            var t = empty(shape, ScalarType.Float32);
            t.bytes = bytes.AsSpan((int)start, (int)(4 * count));
            return t;
        }
        void Add(string name, long[] range, long[] shape, Func<Tensor, Tensor>? transform = null) =>
            tensors.Add(name, shape, path, () =>
            {
                var t = Slice(range[0], range[1], shape);
                return transform is null ? t : transform(t);
            });
        void PerLayer(string name, Func<int, string> hfName, long[] shape, Func<Tensor, Tensor>? transform = null)
        {
            var all = Take(name, [layers, .. shape]);
            long each = all[1] / layers;
            for (int l = 0; l < layers; l++)
                Add(hfName(l), [all[0] + 4 * each * l, each], shape, transform);
        }

        Add("model.embed_tokens.weight", Take("token_embedding", vocab, dim), [vocab, dim]);
        PerLayer("rms_att", l => $"model.layers.{l}.input_layernorm.weight", [dim]);
        PerLayer("wq", l => $"model.layers.{l}.self_attn.q_proj.weight", [dim, dim], w => ToRotateHalf(w, heads));
        PerLayer("wk", l => $"model.layers.{l}.self_attn.k_proj.weight", [kvDim, dim], w => ToRotateHalf(w, kvHeads));
        PerLayer("wv", l => $"model.layers.{l}.self_attn.v_proj.weight", [kvDim, dim]);
        PerLayer("wo", l => $"model.layers.{l}.self_attn.o_proj.weight", [dim, dim]);
        PerLayer("rms_ffn", l => $"model.layers.{l}.post_attention_layernorm.weight", [dim]);
        PerLayer("w1", l => $"model.layers.{l}.mlp.gate_proj.weight", [hidden, dim]);
        PerLayer("w2", l => $"model.layers.{l}.mlp.down_proj.weight", [dim, hidden]);
        PerLayer("w3", l => $"model.layers.{l}.mlp.up_proj.weight", [hidden, dim]);
        Add("model.norm.weight", Take("rms_final", dim), [dim]);
        Take("freq_cis_real", seqLen, headDim / 2);
        Take("freq_cis_imag", seqLen, headDim / 2);
        if (!tied)
            Add("lm_head.weight", Take("wcls", vocab, dim), [vocab, dim]);
        return (config, tensors);
    }

    /// <summary>Interleaved (x0, x1), (x2, x3)… rotary pairs → halves, per head: rows reordered, values
    /// unchanged.</summary>
    static Tensor ToRotateHalf(Tensor w, int heads)
    {
        long rows = w.shape[0],
            cols = w.shape[1];
        return w.view(heads, rows / heads / 2, 2, cols).transpose(1, 2).reshape(rows, cols);
    }
}
