using System.Globalization;
using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Plots;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>What the E1/E2 stage writes from its result: every fine-tune (<c>e1_runs</c>), the summary over seeds
/// (<c>e1_summary</c>), the paired contrasts (<c>e1_contrasts</c>), the per-fact unit (<c>e1_facts</c>), the pools
/// (<c>e1_pools</c>), the E2 overlap (<c>e2_overlap</c>), a plot, the report section and the console lines.</summary>
public static class EvolvabilityTables
{
    /// <summary>Writes every table, the plot and the report into <paramref name="folder"/>.</summary>
    /// <param name="result">The experiment's result.</param>
    /// <param name="options">The experiment's options (the retention weight of the learning-rate score).</param>
    /// <param name="seed">The seed of the bootstrap intervals of the contrasts.</param>
    /// <param name="folder">Where the files go.</param>
    /// <param name="metadata">Provenance written into every Parquet file.</param>
    /// <returns>The files written, the numbers for the run's manifest and the console lines.</returns>
    public static (IReadOnlyList<string> Files, object Summary, IReadOnlyList<string> Lines) Write(
        EvolvabilityResult result,
        EvolvabilityOptions options,
        int seed,
        string folder,
        IReadOnlyDictionary<string, string> metadata
    )
    {
        var files = new List<string>();
        void Add((string Parquet, string Csv) p) => files.AddRange([p.Parquet, p.Csv]);
        Add(
            MetricTableRecords.WriteRecords(
                result
                    .Runs.Select(r => new
                    {
                        r.Variant,
                        r.LearningRate,
                        r.Seed,
                        Chosen = result.ChosenLearningRates.GetValueOrDefault(r.Variant) == r.LearningRate,
                        r.TrainableParameters,
                        r.OptimizerSteps,
                        r.FinalLoss,
                        ValidationAccuracy = r.Validation.Accuracy,
                        ValidationRetentionAccuracy = r.ValidationRetention.Accuracy,
                        Score = new LearningRateTrial(
                            r.LearningRate,
                            r.Validation.Accuracy,
                            r.ValidationRetention.Accuracy
                        ).Score(options.RetentionWeight),
                        NewQueries = r.New.Queries,
                        NewAccuracy = r.New.Accuracy,
                        ParaphraseAccuracy = r.Paraphrases.Accuracy,
                        RetentionAccuracy = r.Retention.Accuracy,
                        NewProbability = r.New.MeanProbability,
                        ParaphraseProbability = r.Paraphrases.MeanProbability,
                        RetentionProbability = r.Retention.MeanProbability,
                        Model = r.ModelFolder ?? "",
                    })
                    .ToList(),
                folder,
                "e1_runs",
                metadata
            )
        );
        var summary = FineTuneStatistics.Summary(result);
        Add(MetricTableRecords.WriteRecords(summary, folder, "e1_summary", metadata));
        var contrasts = FineTuneStatistics.Contrasts(result, seed);
        Add(MetricTableRecords.WriteRecords(contrasts, folder, "e1_contrasts", metadata));
        // Per fact and run: the unit every E1 interval is taken over.
        Add(
            MetricTableRecords.WriteRecords(
                result
                    .Runs.SelectMany(r =>
                        FineTuneStatistics.QuerySets.SelectMany(q =>
                            q.Score(r)
                                .PerFact.Select(
                                    (v, f) =>
                                        new
                                        {
                                            r.Variant,
                                            r.LearningRate,
                                            r.Seed,
                                            Chosen = result.ChosenLearningRates.GetValueOrDefault(r.Variant)
                                                == r.LearningRate,
                                            QuerySet = q.Name,
                                            FactId = result.QueryFacts[q.Name][f],
                                            Accuracy = v,
                                        }
                                )
                        )
                    )
                    .ToList(),
                folder,
                "e1_facts",
                metadata
            )
        );
        Add(
            MetricTableRecords.WriteRecords(
                result
                    .Pools.Select(p => new
                    {
                        Pool = p.Key,
                        Neurons = p.Value.Length,
                        Layers = string.Join(";", p.Value.GroupBy(n => n.Layer).Select(g => $"{g.Key}:{g.Count()}")),
                        List = string.Join(";", p.Value),
                    })
                    .ToList(),
                folder,
                "e1_pools",
                metadata
            )
        );
        Add(MetricTableRecords.WriteRecords(result.Overlap, folder, "e2_overlap", metadata));
        files.Add(
            ConditionBarsPlot.Save(
                summary
                    .SelectMany(s =>
                        new[]
                        {
                            new BarValue(
                                "Q_new",
                                s.Variant,
                                100 * s.NewAccuracy,
                                100 * s.NewAccuracyCiLow,
                                100 * s.NewAccuracyCiHigh,
                                s.NewFacts
                            ),
                            new BarValue(
                                "Q_au",
                                s.Variant,
                                100 * s.ParaphraseAccuracy,
                                100 * s.ParaphraseAccuracyCiLow,
                                100 * s.ParaphraseAccuracyCiHigh,
                                s.ParaphraseFacts
                            ),
                            new BarValue(
                                "Q_old",
                                s.Variant,
                                100 * s.RetentionAccuracy,
                                100 * s.RetentionAccuracyCiLow,
                                100 * s.RetentionAccuracyCiHigh,
                                s.RetentionFacts
                            ),
                        }
                    )
                    .ToList(),
                "E1: fine-tuning only chosen neurons",
                "accuracy (%) over facts (seeds averaged), 95 % Wilson CI",
                Path.Combine(folder, "e1_accuracy.png")
            )
        );
        var report = Path.Combine(folder, "e1_report.md");
        File.WriteAllText(report, FineTuneReport.Markdown(result, summary, contrasts, options));
        files.Add(report);
        var lines = summary
            .Select(s =>
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{s.Variant} ({s.TrainableParameters:N0} trainable, lr {s.LearningRate:G3}, {s.Seeds} seeds): "
                        + $"Q_new {100 * s.NewAccuracy:0.#} %, Q_au {100 * s.ParaphraseAccuracy:0.#} %, Q_old "
                        + $"{100 * s.RetentionAccuracy:0.#} %"
                )
            )
            .ToList();
        lines.AddRange(
            result
                .Overlap.Where(o =>
                    !o.Definition.StartsWith("top ", StringComparison.Ordinal) || o.Definition == "top k = set size"
                )
                .Select(o =>
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"E2 {o.Definition}: {o.Set} overlap {o.Overlap}/{o.SetSize} ({100 * o.Share:0.#} %, "
                            + $"expected {100 * o.Expected:0.#} %, {o.Direction}, two-sided p {o.PValue:G3})"
                    )
                )
        );
        lines.AddRange(result.Skipped.Select(s => $"{s.Key}: {s.Value}"));
        lines.AddRange(result.Notes);
        var numbers = new
        {
            result.UpdatedFacts,
            Summary = summary,
            Contrasts = contrasts,
            result.Overlap,
            result.Skipped,
            result.Notes,
        };
        return (files, numbers, lines);
    }
}
