using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Layers;

/// <summary>The MLP nonlinearities named by Hugging Face configs, computed exactly as transformers does.</summary>
public static class Activations
{
    /// <summary>
    /// The Hugging Face activation names <see cref="ByName"/> accepts ("swish" is SiLU; the three tanh GELUs are one
    /// function).
    /// </summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "gelu_new",
        "gelu_pytorch_tanh",
        "gelu_fast",
        "gelu",
        "silu",
        "swish",
        "relu",
    ];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Names"/> (case-sensitive).</summary>
    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>The elementwise function of a Hugging Face activation name.</summary>
    /// <exception cref="DknInputException">The name is not supported.</exception>
    public static Func<Tensor, Tensor> ByName(string name) =>
        name switch
        {
            "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => GeluTanh,
            "gelu" => x => nn.functional.gelu(x),
            "silu" or "swish" => x => nn.functional.silu(x),
            "relu" => x => nn.functional.relu(x),
            _ => throw new DknInputException(
                $"unsupported activation '{name}' (supported: gelu_new, gelu_pytorch_tanh, gelu_fast, gelu, silu, relu)"
            ),
        };

    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), GPT-2's gelu_new, as libtorch's fused kernel.</summary>
    static Tensor GeluTanh(Tensor x) => x.gelu(TorchSharp.Modules.GELU.Approximate.tanh);
}
