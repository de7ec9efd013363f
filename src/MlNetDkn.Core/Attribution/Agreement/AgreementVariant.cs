namespace MlNetDkn.Attribution.Agreement;

/// <summary>One way of computing attribution scores: a preset (with its overrides) in a compute dtype.</summary>
public sealed record AgreementVariant(string Name, AttributionOptions Attribution, string DType)
{
    /// <summary>The compute dtypes a variant may name after '@' (or alone).</summary>
    public static readonly string[] DTypes = ["float32", "float64", "bfloat16", "float16"];

    /// <summary>
    /// "grad-x-act", "ig-5" (a preset in the reference's dtype), "bfloat16" (the reference's options in that dtype) or
    /// "preset@dtype". The cheap estimators keep the reference's site, baseline, objective and multiplier, so only the
    /// path points differ; other presets are taken whole.
    /// </summary>
    public static AgreementVariant Parse(string text, AgreementVariant reference)
    {
        var parts = text.Trim().Split('@', 2);
        string name = parts[0],
            dtype = parts.Length > 1 ? parts[1] : reference.DType;
        if (parts.Length > 1 && !DTypes.Contains(dtype))
            throw new DknInputException(
                $"variant '{text}': unknown dtype '{dtype}' (known: {string.Join(", ", DTypes)})"
            );
        if (DTypes.Contains(name))
            return new(text.Trim(), reference.Attribution, name);
        var preset = AttributionOptions.FromPreset(name);
        var attribution = preset.IsCheapEstimator
            ? reference.Attribution with
            {
                Grid = preset.Grid,
                Steps = preset.Steps,
                Preset = preset.Preset,
            }
            : preset;
        return new(text.Trim(), attribution, dtype);
    }
}
