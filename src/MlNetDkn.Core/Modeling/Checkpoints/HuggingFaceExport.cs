using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Checkpoints;

/// <summary>
/// Writes a model's weights as a Hugging Face checkpoint: names exactly as <c>named_parameters()</c> gives them
/// (they are the HF names), GPT-2 Conv1D weights transposed to HF's [in, out] (the loader transposes them back),
/// and no lm_head when embeddings are tied (the model has none).
/// </summary>
public static partial class HuggingFaceExport
{
    [GeneratedRegex(@"\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$")]
    private static partial Regex Gpt2Conv1D();

    /// <summary>The tensors as HF stores them; dispose them after use.</summary>
    public static Dictionary<string, Tensor> StateDict(CausalLm model)
    {
        bool gpt2 = model.Config.Family == ModelFamily.Gpt2;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in model.named_parameters())
        {
            var value = p.detach().to_type(ScalarType.Float32).cpu();
            // [out, in] → [in, out]
            tensors[name] = gpt2 && Gpt2Conv1D().IsMatch(name) ? value.t().contiguous() : value.contiguous();
        }
        return tensors;
    }

    /// <summary>config.json and model.safetensors in <paramref name="folder"/>.</summary>
    public static void Save(CausalLm model, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), model.Config.ToHuggingFaceJson());
        var tensors = StateDict(model);
        try
        {
            SafetensorsWriter.Write(
                Path.Combine(folder, HuggingFaceFolder.SingleFile),
                tensors,
                new Dictionary<string, string> { ["format"] = "pt" }
            );
        }
        finally
        {
            foreach (var t in tensors.Values)
                t.Dispose();
        }
    }
}
