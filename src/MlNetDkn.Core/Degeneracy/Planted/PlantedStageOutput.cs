using System.Globalization;
using MlNetDkn.Metrics;

namespace MlNetDkn.Degeneracy.Planted;

/// <summary>What the score-planted stage writes: every method's detection and component scores
/// (<c>planted_scores</c>), one row per fact and method (<c>planted_facts</c>), the numbers for the run's manifest and
/// one console line per method.</summary>
public static class PlantedStageOutput
{
    /// <summary>Writes both tables into <paramref name="folder"/>.</summary>
    /// <param name="truth">The planted model's truth.</param>
    /// <param name="reported">What every scored method reported for every fact, in row order.</param>
    /// <param name="folder">Where the files go.</param>
    /// <param name="metadata">Provenance written into every Parquet file.</param>
    public static (IReadOnlyList<string> Files, object Summary, IReadOnlyList<string> Lines) Write(
        PlantedTruth truth,
        IReadOnlyList<ReportedDkn> reported,
        string folder,
        IReadOnlyDictionary<string, string> metadata
    )
    {
        var facts = truth.Facts.ToDictionary(f => f.FactId);
        var scores = PlantedScoring.Score(truth, reported);
        var files = new List<string>();
        var (p, c) = MetricTableRecords.WriteRecords(scores, folder, "planted_scores", metadata);
        files.AddRange([p, c]);
        var perFact = reported
            .Select(d => new
            {
                d.FactId,
                PlantedKind = facts[d.FactId].Kind.ToString().ToLowerInvariant(),
                d.Method,
                d.IsDkn,
                PlantedComponents = facts[d.FactId].Components.Count,
                ReportedComponents = d.Components.Count,
                MatchedComponents = d.IsDkn ? PlantedScoring.Match(facts[d.FactId].Components, d.Components) : 0,
                facts[d.FactId].Verified,
            })
            .ToList();
        var (p2, c2) = MetricTableRecords.WriteRecords(perFact, folder, "planted_facts", metadata);
        files.AddRange([p2, c2]);
        var lines = scores
            .Select(s =>
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{s.Method}: precision {s.Precision:0.000}, recall {s.Recall:0.000} ({s.TruePositives} of "
                        + $"{s.DegenerateFacts} degenerate facts, {s.FalsePositives} false of "
                        + $"{s.OtherFacts}{LeftOut(s.UnverifiedFacts)}); "
                        + $"components recall {s.ComponentRecall:0.000}, precision {s.ComponentPrecision:0.000}, "
                        + $"Jaccard {s.ComponentJaccard:0.000}, exact {s.ExactMatches}"
                )
            )
            .ToList();
        return (files, new { Scores = scores }, lines);
    }

    static string LeftOut(int unverified) =>
        unverified > 0 ? $"; {unverified} facts left out: their planted truth did not hold on the built model" : "";
}
