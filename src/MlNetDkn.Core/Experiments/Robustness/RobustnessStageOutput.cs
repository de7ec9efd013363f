using System.Globalization;
using MlNetDkn.Metrics.Tables;

namespace MlNetDkn.Experiments.Robustness;

/// <summary>What the R1 and R2 stages write from their records: the tables and plots of
/// <see cref="RobustnessTables"/>, the numbers for the run's manifest and the console lines. Facts without a DKN
/// under the chosen method take no part (their DKN conditions do not exist); the lines say how many.</summary>
public static class RobustnessStageOutput
{
    /// <summary>R1: suppression under perturbed queries.</summary>
    /// <param name="records">Every fact's record, with or without a DKN.</param>
    /// <param name="dknLabel">The DKN method and column suffix the records read, for the first line.</param>
    /// <param name="folder">Where the files go.</param>
    /// <param name="metadata">Provenance written into every Parquet file.</param>
    /// <param name="seed">The seed of the bootstrap intervals.</param>
    /// <param name="valueCutoff">The authors' cut-off for activation-route probabilities.</param>
    /// <param name="weightCutoff">The authors' cut-off for weight-route probabilities.</param>
    public static (IReadOnlyList<string> Files, object Summary, IReadOnlyList<string> Lines) WriteSuppression(
        IReadOnlyList<PerturbedQueryRecord> records,
        string dknLabel,
        string folder,
        IReadOnlyDictionary<string, string> metadata,
        int seed,
        double valueCutoff,
        double weightCutoff
    )
    {
        var withDkn = records.Where(r => r.Dkn.Length > 0).ToList();
        var (files, m) = RobustnessTables.WriteSuppression(withDkn, folder, metadata, seed, valueCutoff, weightCutoff);
        var lines = new List<string>
        {
            $"{withDkn.Count} of {records.Count} facts have a DKN ({dknLabel}); "
                + $"{withDkn.Sum(r => r.Perturbations.Count(p => p.Changed))} perturbed prompts",
        };
        lines.AddRange(
            m.Summary.Where(s => s.Kind == SuppressionMetrics.AllKinds && s.Condition != "none")
                .Select(s =>
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{s.Route}, {s.Condition}: ΔP {s.ChangePercent:0.#} % (none "
                            + $"{Unmodified(m.Summary, s).ChangePercent:0.#} %), "
                            + $"interaction log P {s.InteractionLogP:0.###} "
                            + $"[{s.InteractionLogPCiLow:0.###}, {s.InteractionLogPCiHigh:0.###}], {s.Facts} facts"
                    )
                )
        );
        var numbers = new
        {
            Facts = records.Count,
            FactsWithDkn = withDkn.Count,
            m.Summary,
            m.Contrasts,
        };
        return (files, numbers, lines);
    }

    /// <summary>R2: enhancement on the perturbed queries a fact fails.</summary>
    /// <param name="records">Every fact's record, with or without a DKN.</param>
    /// <param name="folder">Where the files go.</param>
    /// <param name="metadata">Provenance written into every Parquet file.</param>
    /// <param name="seed">The seed of the bootstrap intervals.</param>
    public static (IReadOnlyList<string> Files, object Summary, IReadOnlyList<string> Lines) WriteEnhancement(
        IReadOnlyList<PerturbedQueryRecord> records,
        string folder,
        IReadOnlyDictionary<string, string> metadata,
        int seed
    )
    {
        var withDkn = records.Where(r => r.Dkn.Length > 0).ToList();
        var (files, m) = RobustnessTables.WriteEnhancement(withDkn, folder, metadata, seed);
        var lines = new List<string>
        {
            $"{m.FactsSelected} of {withDkn.Count} facts with a DKN are answered clean and fail a perturbed "
                + $"prompt ({FailedQueries(m.Units)} failed queries)",
        };
        lines.AddRange(
            m.Summary.Where(s => s.Kind == SuppressionMetrics.AllKinds)
                .Select(s =>
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{s.Route}, {s.Condition}: accuracy {100 * s.Accuracy:0.#} % "
                            + $"[{100 * s.AccuracyCiLow:0.#}, {100 * s.AccuracyCiHigh:0.#}] of {s.Queries}, Δ "
                            + $"log P {s.DeltaLogP:0.###}, unrelated Δ log P {s.UnrelatedDeltaLogP:0.###}"
                    )
                )
        );
        var numbers = new
        {
            Facts = records.Count,
            FactsWithDkn = withDkn.Count,
            m.FactsSelected,
            m.Summary,
        };
        return (files, numbers, lines);
    }

    static SuppressionSummaryRow Unmodified(IEnumerable<SuppressionSummaryRow> summary, SuppressionSummaryRow row) =>
        summary.First(x => x.Route == row.Route && x.Kind == row.Kind && x.Condition == "none");

    static int FailedQueries(IEnumerable<EnhancementUnitRow> units) =>
        units.Where(u => u.Condition == "none").Select(u => (u.FactId, u.Perturbation)).Distinct().Count();
}
