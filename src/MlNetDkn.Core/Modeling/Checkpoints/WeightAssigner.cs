using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Checkpoints;

/// <summary>
/// Copies checkpoint tensors into a model's parameters after checking that every name and shape matches. A missing,
/// unexpected or misshapen tensor is an error naming the tensor, the file and both shapes: loading never silently
/// leaves a parameter at its random initial value.
/// </summary>
public static partial class WeightAssigner
{
    // Buffers some transformers versions save next to the weights; they carry no learned values.
    [GeneratedRegex(@"(\.attn\.(bias|masked_bias)|\.attention\.(bias|masked_bias)|rotary_emb\.inv_freq)$")]
    private static partial Regex IgnoredBuffer();

    [GeneratedRegex(@"\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$")]
    private static partial Regex Gpt2Conv1D();

    /// <summary>
    /// Copies every tensor of <paramref name="checkpoint"/> into <paramref name="model"/>'s parameters (GPT-2 Conv1D
    /// weights transposed, prefixes normalised, a tied head's copy ignored).
    /// </summary>
    /// <param name="source">The checkpoint's path, named in errors.</param>
    /// <exception cref="CheckpointException">A tensor is missing, unexpected or of the wrong shape.</exception>
    public static void Assign(CausalLm model, CheckpointTensors checkpoint, string source)
    {
        var family = model.Config.Family;
        checkpoint = NormalisePrefixes(family, checkpoint);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var tiedHead = family == ModelFamily.GptNeoX ? "embed_out.weight" : "lm_head.weight";

        var unexpected = checkpoint
            .Names.Where(n =>
                !parameters.ContainsKey(n)
                && !IgnoredBuffer().IsMatch(n)
                && !(model.Config.TieWordEmbeddings && n == tiedHead)
            )
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        if (unexpected.Count > 0)
            throw new CheckpointException(
                $"{source}: unexpected tensor{Plural(unexpected)} {List(unexpected)} (not part of a {family} model "
                    + $"with this config)"
            );
        var missing = parameters
            .Keys.Where(n => !checkpoint.Contains(n))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        if (missing.Count > 0)
            throw new CheckpointException($"{source}: missing tensor{Plural(missing)} {List(missing)}");

        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            bool conv1D = family == ModelFamily.Gpt2 && Gpt2Conv1D().IsMatch(name);
            var stored = checkpoint.Shape(name);
            var asLinear = conv1D && stored.Length == 2 ? [stored[1], stored[0]] : stored;
            if (!asLinear.SequenceEqual(parameter.shape))
            {
                var expected = conv1D
                    ? $"[{parameter.shape[1]}, {parameter.shape[0]}] (Conv1D [in, out])"
                    : Shape(parameter.shape);
                throw new CheckpointException(
                    $"{checkpoint.Origin(name)}: tensor '{name}' has shape {Shape(stored)}, expected {expected}"
                        + ConfigHint(model.Config, asLinear, parameter.shape)
                );
            }
            // Straight into the parameter where dtype and layout allow (one pass over the bytes); else via a copy.
            if (!conv1D && checkpoint.TryReadInto(name, parameter))
            {
                RefuseNonFinite(parameter, checkpoint.Origin(name), name);
                continue;
            }
            using var value = checkpoint.Read(name);
            RefuseNonFinite(value, checkpoint.Origin(name), name);
            using var oriented = conv1D ? value.t() : value.alias();
            parameter.copy_(oriented.to_type(parameter.dtype));
        }
    }

    /// <summary>The config.json key behind the first dimension that disagrees, so a wrong size in the config (rather
    /// than a broken weight file) is named where it was written.</summary>
    static string ConfigHint(ModelConfig config, long[] stored, long[] expected)
    {
        if (stored.Length != expected.Length)
            return "";
        var keys = ConfigKeys.For(config.Family, new System.Text.Json.Nodes.JsonObject());
        (string Property, int Value)[] sizes =
        [
            (nameof(ModelConfig.HiddenSize), config.HiddenSize),
            (nameof(ModelConfig.IntermediateSize), config.IntermediateSize),
            (nameof(ModelConfig.VocabSize), config.VocabSize),
            (nameof(ModelConfig.MaxPositions), config.MaxPositions),
        ];
        for (int i = 0; i < expected.Length; i++)
        {
            if (stored[i] == expected[i])
                continue;
            var size = sizes.FirstOrDefault(s => s.Value == expected[i]);
            if (size.Property != null)
                return $" (from config.json {keys[size.Property]} = {size.Value}, which the weights disagree with)";
        }
        return "";
    }

    /// <summary>NaN or infinite weights make every probability NaN downstream: refuse them here, naming the
    /// tensor.</summary>
    static void RefuseNonFinite(Tensor value, string origin, string name)
    {
        if (AllFinite(value))
            return;
        bool hasNan;
        using (NewDisposeScope())
            hasNan = isnan(value).any().item<bool>();
        throw new CheckpointException($"{origin}: tensor '{name}' holds {(hasNan ? "NaN" : "infinite")} values");
    }

    /// <summary>
    /// One pass without a temporary the size of the tensor: a float64 sum of finite float32/bfloat16/float16 values
    /// cannot overflow, so it is finite exactly when every value is; a non-finite sum (which for float64 weights
    /// could be an overflow) is confirmed element by element.
    /// </summary>
    static bool AllFinite(Tensor value)
    {
        if (!value.is_floating_point())
            return true;
        using var scope = NewDisposeScope();
        return double.IsFinite(value.sum(ScalarType.Float64).item<double>()) || isfinite(value).all().item<bool>();
    }

    /// <summary>Checkpoints saved from the bare transformer (e.g. the original `gpt2`) lack the `transformer.`
    /// prefix.</summary>
    static CheckpointTensors NormalisePrefixes(ModelFamily family, CheckpointTensors checkpoint)
    {
        var (prefix, head) = family switch
        {
            ModelFamily.Gpt2 => ("transformer.", "lm_head."),
            ModelFamily.GptNeoX => ("gpt_neox.", "embed_out."),
            _ => ("model.", "lm_head."),
        };
        if (checkpoint.Names.Any(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            return checkpoint;
        return checkpoint.Renamed(n => n.StartsWith(head, StringComparison.Ordinal) ? n : prefix + n);
    }

    static string Shape(long[] s) => $"[{string.Join(", ", s)}]";

    static string Plural(List<string> names) => names.Count > 1 ? "s" : "";

    static string List(List<string> names) =>
        string.Join(", ", names.Take(5).Select(n => $"'{n}'"))
        + (names.Count > 5 ? $" and {names.Count - 5} more" : "");
}
