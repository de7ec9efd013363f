using System.Globalization;

namespace MlNetDkn.Attribution;

/// <summary>Reads attribution options from text (CLI flags, pipeline JSON): a preset, then named overrides.</summary>
public static class AttributionOptionsText
{
    /// <summary>Every option key accepted as text, with the values it takes (shown in help and errors).</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["site"] = "pre | post",
        ["baseline"] = "zero | eos-mean",
        ["grid"] = "left-riemann | linspace | midpoint | endpoint | gauss-legendre",
        ["multiplier"] = "activation | activation-minus-baseline",
        ["objective"] = "probability | log-probability",
        ["aggregation"] = "mean | sum",
        ["multi-token"] = "teacher-forced | authors-stale-argmax",
        ["steps"] = "integer ≥ 1",
        ["tolerance"] = "completeness tolerance of an adaptive rule (0 = fixed), e.g. 0.001",
        ["max-steps"] = "most points an adaptive rule tries (0 = 128)",
        ["batch"] = "integer ≥ 1",
        ["memory-budget"] = "MiB per row batch (0 = use batch), e.g. 2048",
        ["fast-path"] = "true | false",
        ["mask-token"] = "token id",
    };

    /// <summary>A copy of <paramref name="options"/> with one option set from text; throws
    /// <see cref="DknInputException"/> on an unknown key or value.</summary>
    public static AttributionOptions Apply(AttributionOptions options, string key, string value) =>
        key switch
        {
            "site" => options with { Site = Choose(key, value, ("pre", NeuronSite.Pre), ("post", NeuronSite.Post)) },
            "baseline" => options with
            {
                Baseline = Choose(key, value, ("zero", BaselineKind.Zero), ("eos-mean", BaselineKind.EosMaskedMean)),
            },
            "grid" => options with
            {
                Grid = Choose(
                    key,
                    value,
                    ("left-riemann", PathGrid.LeftRiemann),
                    ("linspace", PathGrid.Linspace),
                    ("midpoint", PathGrid.Midpoint),
                    ("endpoint", PathGrid.Endpoint),
                    ("gauss-legendre", PathGrid.GaussLegendre)
                ),
            },
            "multiplier" => options with
            {
                Multiplier = Choose(
                    key,
                    value,
                    ("activation", ScoreMultiplier.Activation),
                    ("activation-minus-baseline", ScoreMultiplier.ActivationMinusBaseline)
                ),
            },
            "objective" => options with
            {
                Objective = Choose(
                    key,
                    value,
                    ("probability", AttributionObjective.Probability),
                    ("log-probability", AttributionObjective.LogProbability)
                ),
            },
            "aggregation" => options with
            {
                Aggregation = Choose(key, value, ("mean", TokenAggregation.Mean), ("sum", TokenAggregation.Sum)),
            },
            "multi-token" => options with
            {
                MultiToken = Choose(
                    key,
                    value,
                    ("teacher-forced", MultiTokenMode.TeacherForced),
                    ("authors-stale-argmax", MultiTokenMode.AuthorsStaleArgmax)
                ),
            },
            "steps" => options with { Steps = Int(key, value) },
            "tolerance" => options with { CompletenessTolerance = Double(key, value) },
            "max-steps" => options with { MaxSteps = Int(key, value) },
            "batch" => options with { BatchSize = Int(key, value) },
            "memory-budget" => options with { MemoryBudgetMib = Int(key, value) },
            "fast-path" => options with { FastPath = Choose(key, value, ("true", true), ("false", false)) },
            "mask-token" => options with { MaskTokenId = Int(key, value) },
            _ => throw new DknInputException(
                $"unknown attribution option '{key}' (known: {string.Join(", ", Keys.Keys)})"
            ),
        };

    /// <summary>Applies "key=value,key=value" (the pipeline step's "options" text, the CLI's repeated
    /// --option).</summary>
    public static AttributionOptions ApplyAll(AttributionOptions options, IEnumerable<string> assignments) =>
        assignments.Aggregate(options, (o, kv) =>
        {
            var parts = kv.Split('=', 2);
            if (parts.Length != 2 || parts[0].Trim().Length == 0)
                throw new DknInputException($"attribution option '{kv}' is not KEY=VALUE");
            return Apply(o, parts[0].Trim(), parts[1].Trim());
        });

    /// <summary>Applies "key=value,key=value"; null or blank text leaves
    /// <paramref name="options"/> as they are.</summary>
    public static AttributionOptions ApplyAll(AttributionOptions options, string? commaSeparated) =>
        string.IsNullOrWhiteSpace(commaSeparated)
            ? options
            : ApplyAll(
                options,
                commaSeparated.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            );

    static T Choose<T>(string key, string value, params (string Name, T Value)[] choices)
    {
        foreach (var (name, v) in choices)
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
                return v;
        throw new DknInputException(
            $"attribution option '{key}': '{value}' is not one of {string.Join(", ", choices.Select(c => c.Name))}"
        );
    }

    static double Double(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new DknInputException($"attribution option '{key}': '{value}' is not a number");

    static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new DknInputException($"attribution option '{key}': '{value}' is not an integer");
}
