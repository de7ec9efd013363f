using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MlNetDkn.Attribution;

namespace MlNetDkn;

/// <summary>
/// Stage options to and from JSON, exactly (doubles round-trip; enums by name; thresholds as "ratio:0.2"). The
/// canonical text is what stores key results by and what tables record as their provenance.
/// </summary>
public static class OptionsJson
{
    static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter(), new CoarseThresholdConverter() },
        // Learned values may be NaN (a detector without scores) or infinite: written as "NaN", "Infinity".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The options as a JSON node, with the same converters as <see cref="Canonical"/>.</summary>
    public static JsonNode ToNode<T>(T options) => JsonSerializer.SerializeToNode(options, Json)!;

    /// <summary>One line of JSON with every serialised option, in declaration order.</summary>
    public static string Canonical<T>(T options) => JsonSerializer.Serialize(options, Json);

    /// <summary>Reads options back from a saved pipeline's node; throws <see cref="DknInputException"/> naming
    /// <paramref name="what"/> when the node is missing or null.</summary>
    public static T FromNode<T>(JsonNode? node, string what) =>
        node is null
            ? throw new DknInputException($"saved pipeline: {what} has no options")
            : node.Deserialize<T>(Json) ?? throw new DknInputException($"saved pipeline: {what} options are empty");

    sealed class CoarseThresholdConverter : JsonConverter<CoarseThreshold>
    {
        public override CoarseThreshold Read(
            ref Utf8JsonReader reader,
            Type typeToConvert,
            JsonSerializerOptions options
        ) => CoarseThreshold.Parse(reader.GetString() ?? "");

        public override void Write(Utf8JsonWriter writer, CoarseThreshold value, JsonSerializerOptions options) =>
            writer.WriteStringValue(
                value switch
                {
                    RatioOfMaxThreshold r => "ratio:" + r.Ratio.ToString("R", CultureInfo.InvariantCulture),
                    AbsoluteThreshold a => "abs:" + a.Value.ToString("R", CultureInfo.InvariantCulture),
                    PercentileThreshold p => "percentile:" + p.Value.ToString("R", CultureInfo.InvariantCulture),
                    TopKThreshold k => "topk:" + k.K.ToString(CultureInfo.InvariantCulture),
                    _ => throw new NotSupportedException($"threshold {value.GetType().Name} cannot be saved"),
                }
            );
    }
}
