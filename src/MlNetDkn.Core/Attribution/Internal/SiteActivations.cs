using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using static TorchSharp.torch;

namespace MlNetDkn.Attribution.Internal;

/// <summary>Reads a neuron site at the last position of one or more prompts, for every layer at once.</summary>
static class SiteActivations
{
    /// <summary>tokens [N, T] → per layer [N, d_ff], in the model's dtype, on its device, owned by the caller's
    /// scope.</summary>
    public static Tensor[] AtLastPosition(CausalLm model, Tensor tokens, NeuronSite site)
    {
        using var noGrad = no_grad();
        var captures = Enumerable
            .Range(0, model.Config.NumLayers)
            .Select(l => new CaptureActivation(l, site, TokenPositions.Last))
            .ToArray();
        try
        {
            using var scope = NewDisposeScope();
            using (model.Intervene(captures))
                model.Hidden(tokens).Dispose();
            // [N, d_ff] each
            var result = captures.Select(c => c.Captured![TensorIndex.Colon, 0].contiguous()).ToArray();
            foreach (var r in result)
                r.MoveToOuterDisposeScope();
            return result;
        }
        finally
        {
            foreach (var c in captures)
                c.Dispose();
        }
    }

    /// <summary>Per layer [d_ff]: the baseline the path starts from.</summary>
    public static Tensor[] Baselines(CausalLm model, long[] prompt, AttributionOptions options, Tensor[] activations)
    {
        switch (options.Baseline)
        {
            case BaselineKind.Zero:
                return activations.Select(a => zeros_like(a)).ToArray();
            case BaselineKind.Given:
                return options
                    .BaselineVectors!.Select((v, l) => tensor(v, device: model.Device).to_type(model.DType))
                    .ToArray();
            default:
                int mask = options.MaskTokenId
                    ?? model.Config.EosTokenId
                    ?? throw new DknInputException(
                        "the EOS-masked baseline needs an EOS token id (the model config has none; set MaskTokenId)"
                    );
                // One row per prompt position j with token j replaced by the mask token: [n, n], one batched pass.
                var variants = new long[prompt.Length, prompt.Length];
                for (int j = 0; j < prompt.Length; j++)
                for (int t = 0; t < prompt.Length; t++)
                    variants[j, t] = t == j ? mask : prompt[t];
                using (var batch = tensor(variants, device: model.Device))
                    return AtLastPosition(model, batch, options.Site).Select(b => b.mean([0])).ToArray();
        }
    }
}
