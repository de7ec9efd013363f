using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlNetDkn.Modeling;

/// <summary>Rotary frequency scaling as Hugging Face configs describe it.</summary>
public sealed record RopeScaling(
    string Type,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    double OriginalMaxPositions
);

/// <summary>The architecture families the runtime implements, by Hugging Face `model_type`.</summary>
public enum ModelFamily
{
    /// <summary>GPT-2 (`gpt2`): learned positions, LayerNorm, fused Conv1D attention, biases everywhere.</summary>
    Gpt2,

    /// <summary>Llama (`llama`): rotary positions, RMSNorm, gated MLP, grouped-query attention.</summary>
    Llama,

    /// <summary>Qwen2 (`qwen2`): Llama layout with biases on the query/key/value projections.</summary>
    Qwen2,

    /// <summary>GPT-NeoX / Pythia (`gpt_neox`): partial rotary, LayerNorm, optionally parallel residual.</summary>
    GptNeoX,
}

/// <summary>
/// Everything the runtime needs to build a model, normalised across families. Parsed from a Hugging Face
/// `config.json` (both the classic keys and the transformers-5 `rope_parameters` block) or a llama2.c header.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>
    /// Architecture family, from `model_type`; decides the block layout and the checkpoint tensor names.
    /// </summary>
    public required ModelFamily Family { get; init; }

    /// <summary>Number of token ids: rows of the token embedding and of the LM head.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Width of the residual stream (`n_embd` / `hidden_size`).</summary>
    public required int HiddenSize { get; init; }

    /// <summary>
    /// Width of the MLP's inner layer, i.e. the number of FFN neurons per block (GPT-2 `n_inner`, default 4 × hidden).
    /// </summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Number of transformer blocks.</summary>
    public required int NumLayers { get; init; }

    /// <summary>Number of query attention heads.</summary>
    public required int NumHeads { get; init; }

    /// <summary>
    /// Number of key/value heads (equal to <see cref="NumHeads"/> except for grouped-query Llama/Qwen2 models).
    /// </summary>
    public int NumKvHeads { get; init; }

    /// <summary>Width of one attention head (hidden size / heads unless the config gives `head_dim`).</summary>
    public int HeadDim { get; init; }

    /// <summary>
    /// Longest sequence, in tokens, the positional encoding supports (`n_positions` / `max_position_embeddings`).
    /// </summary>
    public int MaxPositions { get; init; } = 2048;

    /// <summary>Epsilon added inside LayerNorm / RMSNorm.</summary>
    public double NormEps { get; init; } = 1e-5;

    /// <summary>
    /// Hugging Face activation name of the MLP (e.g. "gelu_new", "gelu", "silu"); see Layers.Activations.
    /// </summary>
    public string Activation { get; init; } = "gelu_new";

    /// <summary>Rotary base frequency θ (`rope_theta`, NeoX `rotary_emb_base`); unused by GPT-2.</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary>
    /// Fraction of each head's dimensions that rotary encoding is applied to, in (0, 1] (NeoX `rotary_pct`).
    /// </summary>
    public double PartialRotaryFactor { get; init; } = 1.0;

    /// <summary>Rotary frequency scaling ("linear" or "llama3"); null for none.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>Whether the LM head reuses the token embedding matrix instead of holding its own weights.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Whether the query/key/value/output projections carry biases.</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Whether the MLP projections carry biases.</summary>
    public bool MlpBias { get; init; }

    /// <summary>
    /// GPT-NeoX: attention and MLP read the same block input and both add to the residual (`use_parallel_residual`).
    /// </summary>
    public bool ParallelResidual { get; init; }

    /// <summary>Beginning-of-sequence token id from the config; null when the config names none.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>End-of-sequence token id from the config; null when the config names none.</summary>
    public int? EosTokenId { get; init; }

    /// <summary>Rotary dimensions per head (NeoX applies rotary to a leading fraction of each head).</summary>
    public int RotaryDim => (int)(HeadDim * PartialRotaryFactor);

    /// <summary>The Hugging Face `model_type` values <see cref="FromJson"/> accepts.</summary>
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["gpt2", "llama", "qwen2", "gpt_neox"];

    /// <summary>Reads and validates a Hugging Face `config.json`.</summary>
    /// <exception cref="DknInputException">
    /// The file is missing, is not a JSON object, or holds an unsupported or inconsistent configuration.
    /// </exception>
    public static ModelConfig FromJsonFile(string path)
    {
        if (!File.Exists(path))
            throw new DknInputException($"{path}: config.json not found");
        JsonObject json;
        try
        {
            json =
                JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new DknInputException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new DknInputException($"{path}: invalid JSON ({e.Message})");
        }
        return FromJson(json, path);
    }

    /// <summary>
    /// Builds a validated config from a parsed Hugging Face `config.json` object, applying each family's defaults.
    /// </summary>
    /// <param name="j">The parsed `config.json` object.</param>
    /// <param name="source">Name (usually the path) quoted in error messages.</param>
    /// <exception cref="DknInputException">
    /// A key is missing or mistyped, or the model type or a size is unsupported.
    /// </exception>
    public static ModelConfig FromJson(JsonObject j, string source)
    {
        var modelType =
            j["model_type"] is JsonValue mt && mt.TryGetValue<string>(out var typeName)
                ? typeName
                : throw new DknInputException(
                    $"{source}: no 'model_type' string (supported: {string.Join(", ", SupportedModelTypes)})"
                );
        // Every field read with its type checked; a wrong value names the file and key (never a cast exception later).
        int Int(string key, int? fallback = null)
        {
            if (j[key] is not JsonNode n)
                return fallback
                    ?? throw new DknInputException($"{source}: missing integer '{key}' for model_type {modelType}");
            if (
                n is JsonValue v
                && v.TryGetValue<double>(out var d)
                && v.GetValueKind() == JsonValueKind.Number
                && d == Math.Floor(d)
                && d is >= int.MinValue and <= int.MaxValue
            )
                return (int)d;
            throw new DknInputException($"{source}: '{key}' must be an integer, got {n.ToJsonString()}");
        }
        double Dbl(string key, double fallback) => j[key] is JsonNode n ? Number(n, key) : fallback;
        double Number(JsonNode n, string key) =>
            n is JsonValue v
            && v.GetValueKind() == JsonValueKind.Number
            && v.TryGetValue<double>(out var d)
            && double.IsFinite(d)
                ? d
                : throw new DknInputException($"{source}: '{key}' must be a finite number, got {n.ToJsonString()}");
        bool Bool(string key, bool fallback) =>
            j[key] is not JsonNode n ? fallback
            : n is JsonValue v && v.TryGetValue<bool>(out var b) ? b
            : throw new DknInputException($"{source}: '{key}' must be true or false, got {n.ToJsonString()}");
        string? Text(string key) =>
            j[key] is not JsonNode n ? null
            : n is JsonValue v && v.TryGetValue<string>(out var t) ? t
            : throw new DknInputException($"{source}: '{key}' must be a string, got {n.ToJsonString()}");
        int? OptId(string key) => j[key] is JsonValue v && v.TryGetValue<int>(out var id) ? id : null;
        var rope = j["rope_parameters"] as JsonObject ?? j["rope_scaling"] as JsonObject;
        double RopeTheta(double fallback) =>
            rope?["rope_theta"] is JsonNode t ? Number(t, "rope_theta") : Dbl("rope_theta", fallback);
        var ropeScaling = ParseRopeScaling(rope, source);
        var built = modelType switch
        {
            "gpt2" or "llama" or "qwen2" or "gpt_neox" => Build(),
            _ => throw new DknInputException(
                $"{source}: unsupported model_type '{modelType}' (supported: {string.Join(", ", SupportedModelTypes)})"
            ),
        };
        return Checked(built, source, ConfigKeys.For(built.Family, j));

        ModelConfig Build()
        {
            switch (modelType)
            {
                case "gpt2":
                {
                    int d = Int("n_embd"),
                        heads = Int("n_head");
                    const string dk = "n_embd",
                        hk = "n_head";
                    if (Bool("scale_attn_by_inverse_layer_idx", false) || Bool("reorder_and_upcast_attn", false))
                        throw new DknInputException(
                            $"{source}: scale_attn_by_inverse_layer_idx / reorder_and_upcast_attn are not supported"
                        );
                    return new ModelConfig
                    {
                        Family = ModelFamily.Gpt2,
                        VocabSize = Int("vocab_size"),
                        HiddenSize = d,
                        IntermediateSize =
                            j["n_inner"] is JsonValue ni && ni.GetValueKind() == JsonValueKind.Null
                                ? 4 * d
                                : Int("n_inner", 4 * d),
                        NumLayers = Int("n_layer"),
                        NumHeads = heads,
                        NumKvHeads = heads,
                        HeadDim = Div(d, heads, dk, hk),
                        MaxPositions = Int("n_positions", 1024),
                        NormEps = Dbl("layer_norm_epsilon", 1e-5),
                        Activation = Text("activation_function") ?? "gelu_new",
                        TieWordEmbeddings = Bool("tie_word_embeddings", true),
                        AttentionBias = true,
                        MlpBias = true,
                        BosTokenId = OptId("bos_token_id"),
                        EosTokenId = OptId("eos_token_id"),
                    };
                }
                case "llama" or "qwen2":
                {
                    int d = Int("hidden_size"),
                        heads = Int("num_attention_heads");
                    const string dk = "hidden_size",
                        hk = "num_attention_heads";
                    bool qwen = modelType == "qwen2";
                    return new ModelConfig
                    {
                        Family = qwen ? ModelFamily.Qwen2 : ModelFamily.Llama,
                        VocabSize = Int("vocab_size"),
                        HiddenSize = d,
                        IntermediateSize = Int("intermediate_size"),
                        NumLayers = Int("num_hidden_layers"),
                        NumHeads = heads,
                        NumKvHeads = Int("num_key_value_heads", heads),
                        HeadDim =
                            j["head_dim"] is JsonValue hd && hd.GetValueKind() != JsonValueKind.Null
                                ? Int("head_dim")
                                : Div(d, heads, dk, hk),
                        MaxPositions = Int("max_position_embeddings", 2048),
                        NormEps = Dbl("rms_norm_eps", 1e-6),
                        Activation = Text("hidden_act") ?? "silu",
                        RopeTheta = RopeTheta(qwen ? 1e6 : 1e4),
                        RopeScaling = ropeScaling,
                        TieWordEmbeddings = Bool("tie_word_embeddings", false),
                        AttentionBias = qwen || Bool("attention_bias", false),
                        MlpBias = Bool("mlp_bias", false),
                        BosTokenId = OptId("bos_token_id"),
                        EosTokenId = OptId("eos_token_id"),
                    };
                }
                case "gpt_neox":
                {
                    int d = Int("hidden_size"),
                        heads = Int("num_attention_heads");
                    const string dk = "hidden_size",
                        hk = "num_attention_heads";
                    double partial = rope?["partial_rotary_factor"] is JsonNode p
                        ? Number(p, "partial_rotary_factor")
                        : Dbl("rotary_pct", 0.25);
                    return new ModelConfig
                    {
                        Family = ModelFamily.GptNeoX,
                        VocabSize = Int("vocab_size"),
                        HiddenSize = d,
                        IntermediateSize = Int("intermediate_size"),
                        NumLayers = Int("num_hidden_layers"),
                        NumHeads = heads,
                        NumKvHeads = heads,
                        HeadDim = Div(d, heads, dk, hk),
                        MaxPositions = Int("max_position_embeddings", 2048),
                        NormEps = Dbl("layer_norm_eps", 1e-5),
                        Activation = Text("hidden_act") ?? "gelu",
                        RopeTheta = RopeTheta(Dbl("rotary_emb_base", 10000)),
                        PartialRotaryFactor = partial,
                        TieWordEmbeddings = Bool("tie_word_embeddings", false),
                        AttentionBias = Bool("attention_bias", true),
                        MlpBias = true,
                        ParallelResidual = Bool("use_parallel_residual", true),
                        BosTokenId = OptId("bos_token_id"),
                        EosTokenId = OptId("eos_token_id"),
                    };
                }
                default:
                    throw new DknInputException(
                        $"{source}: unsupported model_type '{modelType}' (supported: "
                            + $"{string.Join(", ", SupportedModelTypes)})"
                    );
            }
        }

        int Div(int width, int heads, string widthKey, string headsKey) =>
            heads > 0 && width % heads == 0
                ? width / heads
                : throw new DknInputException(
                    heads < 1
                        ? $"{source}: {headsKey} = {heads}: the number of attention heads must be at least 1"
                        : $"{source}: {headsKey} = {heads} does not divide {widthKey} = {width} (the hidden size "
                            + $"is split evenly over the heads)"
                );
    }

    /// <summary>Ranges of every size the runtime allocates from, checked before anything is built.</summary>
    /// <param name="keys">The config.json key of each property (property name → key as written), named in messages;
    /// null for configs that are not JSON (llama2.c headers, configs built in code).</param>
    public static ModelConfig Checked(ModelConfig c, string source, IReadOnlyDictionary<string, string>? keys = null)
    {
        // Messages of a config.json name its key as written there ("n_head = 0: ..."); a llama2.c header has none.
        void Require(bool ok, string property, object value, string what)
        {
            if (ok)
                return;
            var key = keys?.GetValueOrDefault(property);
            throw new DknInputException(key is null ? $"{source}: {what}" : $"{source}: {key} = {value}: {what}");
        }
        // Sizes past these are not models but hostile numbers; refused by name before any arithmetic with them.
        const int MaxWidth = 1 << 24,
            MaxLayers = 1 << 16;
        Require(c.VocabSize <= MaxWidth, nameof(VocabSize), c.VocabSize, $"vocabulary size must be at most {MaxWidth}");
        Require(c.HiddenSize <= MaxWidth, nameof(HiddenSize), c.HiddenSize, $"hidden size must be at most {MaxWidth}");
        Require(
            c.IntermediateSize <= MaxWidth,
            nameof(IntermediateSize),
            c.IntermediateSize,
            $"intermediate (MLP) size must be at most {MaxWidth}"
        );
        Require(
            c.NumLayers <= MaxLayers,
            nameof(NumLayers),
            c.NumLayers,
            $"number of layers must be at most {MaxLayers}"
        );
        Require(
            c.MaxPositions <= MaxWidth,
            nameof(MaxPositions),
            c.MaxPositions,
            $"maximum positions must be at most {MaxWidth}"
        );
        Require(
            c.VocabSize >= 1,
            nameof(VocabSize),
            c.VocabSize,
            $"vocabulary size must be at least 1 (got {c.VocabSize})"
        );
        Require(
            c.HiddenSize >= 1,
            nameof(HiddenSize),
            c.HiddenSize,
            $"hidden size must be at least 1 (got {c.HiddenSize})"
        );
        Require(
            c.IntermediateSize >= 1,
            nameof(IntermediateSize),
            c.IntermediateSize,
            $"intermediate (MLP) size must be at least 1 (got {c.IntermediateSize})"
        );
        Require(
            c.NumLayers >= 1,
            nameof(NumLayers),
            c.NumLayers,
            $"number of layers must be at least 1 (got {c.NumLayers})"
        );
        Require(
            c.NumHeads >= 1,
            nameof(NumHeads),
            c.NumHeads,
            $"number of attention heads must be at least 1 (got {c.NumHeads})"
        );
        Require(
            c.NumKvHeads >= 1 && c.NumHeads % c.NumKvHeads == 0,
            nameof(NumKvHeads),
            c.NumKvHeads,
            $"key/value heads ({c.NumKvHeads}) must divide the attention heads ({c.NumHeads})"
        );
        Require(c.HeadDim >= 1, nameof(HeadDim), c.HeadDim, $"head dimension must be at least 1 (got {c.HeadDim})");
        Require(
            c.MaxPositions >= 1,
            nameof(MaxPositions),
            c.MaxPositions,
            $"maximum positions must be at least 1 (got {c.MaxPositions})"
        );
        Require(c.NormEps > 0, nameof(NormEps), c.NormEps, $"the norm epsilon must be positive (got {c.NormEps})");
        Require(
            c.PartialRotaryFactor is > 0 and <= 1,
            nameof(PartialRotaryFactor),
            c.PartialRotaryFactor,
            $"partial rotary factor must be in (0, 1] (got {c.PartialRotaryFactor})"
        );
        Require(
            c.Family == ModelFamily.Gpt2 || (c.RotaryDim >= 2 && c.RotaryDim % 2 == 0),
            nameof(HeadDim),
            c.HeadDim,
            $"rotary dimension per head must be even and at least 2 (got {c.RotaryDim})"
        );
        Require(c.RopeTheta > 0, nameof(RopeTheta), c.RopeTheta, $"rope theta must be positive (got {c.RopeTheta})");
        Require(
            Layers.Activations.IsKnown(c.Activation),
            nameof(Activation),
            $"\"{c.Activation}\"",
            $"activation '{c.Activation}' is not supported (supported: {string.Join(", ", Layers.Activations.Names)})"
        );
        return c;
    }

    /// <summary>Parameters the model will hold (embeddings, blocks, head), to check memory before allocating.</summary>
    public long ParameterCount()
    {
        // In double: absurd sizes from a hostile config would overflow a long and pass the memory check.
        double d = HiddenSize,
            ff = IntermediateSize,
            v = VocabSize,
            kv = (double)NumKvHeads * HeadDim,
            q = (double)NumHeads * HeadDim;
        double attention = d * q + 2 * d * kv + q * d + 2 * q + 2 * kv;
        double mlp = Family is ModelFamily.Llama or ModelFamily.Qwen2 ? 3 * d * ff : 2 * d * ff + ff + d;
        double embeddings =
            v * d * (TieWordEmbeddings ? 1 : 2) + (Family == ModelFamily.Gpt2 ? (double)MaxPositions * d : 0);
        double total = embeddings + NumLayers * (attention + mlp + 4 * d) + 2 * d;
        return total >= long.MaxValue ? long.MaxValue : (long)total;
    }

    static RopeScaling? ParseRopeScaling(JsonObject? rope, string source)
    {
        string? TypeText(string key) =>
            rope?[key] is not JsonNode n ? null
            : n is JsonValue v && v.TryGetValue<string>(out var t) ? t
            : throw new DknInputException($"{source}: rope '{key}' must be a string, got {n.ToJsonString()}");
        var type = TypeText("rope_type") ?? TypeText("type");
        double Get(string key, double? fallback = null) =>
            rope![key] is JsonNode n
                ? n is JsonValue v
                && v.GetValueKind() == JsonValueKind.Number
                && v.TryGetValue<double>(out var d)
                && double.IsFinite(d)
                    ? d
                    : throw new DknInputException(
                        $"{source}: rope '{key}' must be a finite number, got {n.ToJsonString()}"
                    )
                : fallback ?? throw new DknInputException($"{source}: rope type '{type}' needs '{key}'");
        return type switch
        {
            null or "default" => null,
            "linear" => new RopeScaling("linear", Get("factor"), 0, 0, 0),
            "llama3" => new RopeScaling(
                "llama3",
                Get("factor"),
                Get("low_freq_factor"),
                Get("high_freq_factor"),
                Get("original_max_position_embeddings")
            ),
            _ => throw new DknInputException(
                $"{source}: rope type '{type}' is not supported (supported: default, linear, llama3)"
            ),
        };
    }

    /// <summary>Hugging Face's <c>rope_scaling</c> block of a scaling this config reads back.</summary>
    static JsonObject RopeScalingJson(RopeScaling r) =>
        r.Type == "linear"
            ? new JsonObject { ["rope_type"] = "linear", ["factor"] = r.Factor }
            : new JsonObject
            {
                ["rope_type"] = r.Type,
                ["factor"] = r.Factor,
                ["low_freq_factor"] = r.LowFreqFactor,
                ["high_freq_factor"] = r.HighFreqFactor,
                ["original_max_position_embeddings"] = r.OriginalMaxPositions,
            };

    /// <summary>The config as Hugging Face `config.json` text (used when the project saves its own models).</summary>
    public string ToHuggingFaceJson()
    {
        var o = new JsonObject();
        switch (Family)
        {
            case ModelFamily.Gpt2:
                o["model_type"] = "gpt2";
                o["architectures"] = new JsonArray("GPT2LMHeadModel");
                o["vocab_size"] = VocabSize;
                o["n_embd"] = HiddenSize;
                o["n_inner"] = IntermediateSize;
                o["n_layer"] = NumLayers;
                o["n_head"] = NumHeads;
                o["n_positions"] = MaxPositions;
                o["layer_norm_epsilon"] = NormEps;
                o["activation_function"] = Activation;
                o["tie_word_embeddings"] = TieWordEmbeddings;
                break;
            case ModelFamily.Llama or ModelFamily.Qwen2:
                o["model_type"] = Family == ModelFamily.Llama ? "llama" : "qwen2";
                o["architectures"] = new JsonArray(
                    Family == ModelFamily.Llama ? "LlamaForCausalLM" : "Qwen2ForCausalLM"
                );
                o["vocab_size"] = VocabSize;
                o["hidden_size"] = HiddenSize;
                o["intermediate_size"] = IntermediateSize;
                o["num_hidden_layers"] = NumLayers;
                o["num_attention_heads"] = NumHeads;
                o["num_key_value_heads"] = NumKvHeads;
                o["head_dim"] = HeadDim;
                o["max_position_embeddings"] = MaxPositions;
                o["rms_norm_eps"] = NormEps;
                o["hidden_act"] = Activation;
                o["rope_theta"] = RopeTheta;
                o["tie_word_embeddings"] = TieWordEmbeddings;
                o["attention_bias"] = AttentionBias;
                o["mlp_bias"] = MlpBias;
                if (RopeScaling is { } r)
                    o["rope_scaling"] = RopeScalingJson(r);
                break;
            case ModelFamily.GptNeoX:
                o["model_type"] = "gpt_neox";
                o["architectures"] = new JsonArray("GPTNeoXForCausalLM");
                o["vocab_size"] = VocabSize;
                o["hidden_size"] = HiddenSize;
                o["intermediate_size"] = IntermediateSize;
                o["num_hidden_layers"] = NumLayers;
                o["num_attention_heads"] = NumHeads;
                o["max_position_embeddings"] = MaxPositions;
                o["layer_norm_eps"] = NormEps;
                o["hidden_act"] = Activation;
                o["rotary_emb_base"] = RopeTheta;
                o["rotary_pct"] = PartialRotaryFactor;
                o["tie_word_embeddings"] = TieWordEmbeddings;
                o["use_parallel_residual"] = ParallelResidual;
                o["attention_bias"] = AttentionBias;
                break;
        }
        if (BosTokenId is int b)
            o["bos_token_id"] = b;
        if (EosTokenId is int e)
            o["eos_token_id"] = e;
        o["torch_dtype"] = "float32";
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
