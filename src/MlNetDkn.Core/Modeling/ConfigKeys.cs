using System.Text.Json.Nodes;

namespace MlNetDkn.Modeling;

/// <summary>Which config.json key each <see cref="ModelConfig"/> property comes from, per family, as written.</summary>
internal static class ConfigKeys
{
    public static IReadOnlyDictionary<string, string> For(ModelFamily family, JsonObject json)
    {
        var keys = family switch
        {
            ModelFamily.Gpt2 => new Dictionary<string, string>
            {
                [nameof(ModelConfig.VocabSize)] = "vocab_size",
                [nameof(ModelConfig.HiddenSize)] = "n_embd",
                [nameof(ModelConfig.IntermediateSize)] = "n_inner",
                [nameof(ModelConfig.NumLayers)] = "n_layer",
                [nameof(ModelConfig.NumHeads)] = "n_head",
                [nameof(ModelConfig.NumKvHeads)] = "n_head",
                [nameof(ModelConfig.HeadDim)] = "n_head",
                [nameof(ModelConfig.MaxPositions)] = "n_positions",
                [nameof(ModelConfig.NormEps)] = "layer_norm_epsilon",
                [nameof(ModelConfig.Activation)] = "activation_function",
            },
            _ => new Dictionary<string, string>
            {
                [nameof(ModelConfig.VocabSize)] = "vocab_size",
                [nameof(ModelConfig.HiddenSize)] = "hidden_size",
                [nameof(ModelConfig.IntermediateSize)] = "intermediate_size",
                [nameof(ModelConfig.NumLayers)] = "num_hidden_layers",
                [nameof(ModelConfig.NumHeads)] = "num_attention_heads",
                [nameof(ModelConfig.NumKvHeads)] =
                    family == ModelFamily.GptNeoX ? "num_attention_heads" : "num_key_value_heads",
                [nameof(ModelConfig.HeadDim)] = json.ContainsKey("head_dim") ? "head_dim" : "num_attention_heads",
                [nameof(ModelConfig.MaxPositions)] = "max_position_embeddings",
                [nameof(ModelConfig.NormEps)] = family == ModelFamily.GptNeoX ? "layer_norm_eps" : "rms_norm_eps",
                [nameof(ModelConfig.Activation)] = "hidden_act",
                [nameof(ModelConfig.RopeTheta)] = family == ModelFamily.GptNeoX ? "rotary_emb_base" : "rope_theta",
                [nameof(ModelConfig.PartialRotaryFactor)] = json.ContainsKey("rotary_pct")
                    ? "rotary_pct"
                    : "partial_rotary_factor",
            },
        };
        return keys;
    }
}
