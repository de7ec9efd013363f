using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Training.Internal;

/// <summary>
/// GPT-2's initialisation (nanoGPT's): matrices and embeddings N(0, 0.02), residual output projections
/// N(0, 0.02/√(2L)), biases 0, norm scales 1. TorchSharp's defaults (unit-variance embeddings, Kaiming-uniform
/// linears) train markedly slower on these tiny models.
/// </summary>
internal static class WeightInitializer
{
    static readonly string[] ResidualProjections =
    [
        ".attn.c_proj.weight",
        ".mlp.c_proj.weight",
        ".o_proj.weight",
        ".down_proj.weight",
    ];

    public static void Initialize(CausalLm model)
    {
        using var noGrad = no_grad();
        double std = 0.02,
            residualStd = 0.02 / Math.Sqrt(2.0 * model.Config.NumLayers);
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.dim() == 1)
            {
                if (name.EndsWith(".bias", StringComparison.Ordinal))
                    nn.init.zeros_(p);
                else
                    nn.init.ones_(p); // LayerNorm / RMSNorm scale
            }
            else
            {
                var s = ResidualProjections.Any(r => name.EndsWith(r, StringComparison.Ordinal)) ? residualStd : std;
                nn.init.normal_(p, 0, s);
            }
        }
    }
}
