using System.Globalization;
using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Tables;

namespace MlNetDkn.Attribution;

/// <summary>What the attribution stage writes from its results: the tables and plots of
/// <see cref="AttributionTables"/>, the numbers for the run's manifest and two console lines.</summary>
public static class AttributionStageOutput
{
    /// <summary>Writes every table and plot into <paramref name="folder"/>.</summary>
    /// <param name="facts">Every fact's knowledge neurons and prompt scores.</param>
    /// <param name="layers">The model's MLP layers.</param>
    /// <param name="width">Neurons per MLP layer.</param>
    /// <param name="completenessIsExact">True when scores use a − baseline, so their sum is a completeness error;
    /// otherwise only a sum gap.</param>
    /// <param name="promptsComputed">Prompts attributed in this run, for the first line.</param>
    /// <param name="promptsReused">Prompts read from the store, for the first line.</param>
    /// <param name="folder">Where the files go.</param>
    /// <param name="metadata">Provenance written into every Parquet file.</param>
    public static (IReadOnlyList<string> Files, AttributionMetrics Metrics, IReadOnlyList<string> Lines) Write(
        IReadOnlyList<FactKnowledgeNeurons> facts,
        int layers,
        int width,
        bool completenessIsExact,
        int promptsComputed,
        int promptsReused,
        string folder,
        IReadOnlyDictionary<string, string> metadata
    )
    {
        var files = AttributionTables.Write(facts, folder, layers, width, completenessIsExact, metadata);
        var metrics = AttributionMetrics.Compute(facts.Select(f => f.Summary), completenessIsExact);
        var error = completenessIsExact
            ? "relative completeness error"
            : "relative sum gap (multiplier a, not a completeness error)";
        var lines = new[]
        {
            string.Create(
                CultureInfo.InvariantCulture,
                $"{metrics.Facts} facts ({promptsComputed} prompts computed, {promptsReused} from the store): "
                    + $"{metrics.KnowledgeNeuronsPerFact.Mean:0.0} knowledge neurons per fact (median "
                    + $"{metrics.KnowledgeNeuronsPerFact.Median:0}, max {metrics.KnowledgeNeuronsPerFact.Max:0}), "
                    + $"{metrics.FactsWithoutKnowledgeNeurons} with none"
            ),
            string.Create(
                CultureInfo.InvariantCulture,
                $"{error}: median {metrics.CompletenessError.Median:E2}, p90 {metrics.CompletenessError.P90:E2}, "
                    + $"max {metrics.MaxCompletenessError.Max:E2}"
            ),
        };
        return (files, metrics, lines);
    }
}
