using MlNetDkn.Metrics;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>E1's summary over seeds and its paired contrasts, with the fact as the unit of analysis.</summary>
public static class FineTuneStatistics
{
    /// <summary>Each compared pool against the pool matched to it, and the DKN against a knowledge-neuron subset of its
    /// size.</summary>
    public static readonly (string A, string B, string Meaning)[] ContrastPairs =
    [
        ("dkn", "random", "DKN pool vs random neurons of its size and layers"),
        ("kn", "random-kn", "knowledge-neuron pool vs random neurons of its size and layers"),
        ("dkn", "kn-subset", "DKN pool vs a knowledge-neuron subset of its size and layers"),
        ("dkn", "kn", "DKN pool vs the knowledge-neuron pool (sizes differ)"),
    ];

    /// <summary>The query sets compared, each with how to read its score from a run: Q_new, Q_au (paraphrases),
    /// Q_old (retention).</summary>
    public static readonly (string Name, Func<FineTuneRun, QueryScore> Score)[] QuerySets =
    [
        ("Q_new", r => r.New),
        ("Q_au", r => r.Paraphrases),
        ("Q_old", r => r.Retention),
    ];

    /// <summary>The runs of a variant at its chosen learning rate (one per seed).</summary>
    public static List<FineTuneRun> Chosen(EvolvabilityResult result, string variant) =>
        result.ChosenLearningRates.TryGetValue(variant, out var lr)
            ? result.Runs.Where(r => r.Variant == variant && r.LearningRate == lr).ToList()
            : [];

    /// <summary>Per fact, the mean over seeds of its share of prompts answered.</summary>
    public static double[] PerFact(IReadOnlyList<FineTuneRun> runs, Func<FineTuneRun, QueryScore> score)
    {
        int facts = runs.Count == 0 ? 0 : score(runs[0]).PerFact.Length;
        return Enumerable.Range(0, facts).Select(f => runs.Average(r => score(r).PerFact[f])).ToArray();
    }

    static UnitShare Share(IReadOnlyList<FineTuneRun> runs, Func<FineTuneRun, QueryScore> score) =>
        UnitShare.OfMeans("fact", PerFact(runs, score), runs.Sum(r => score(r).Queries));

    /// <summary>One row per variant at its chosen learning rate, over its seeds.</summary>
    public static IReadOnlyList<FineTuneSummaryRow> Summary(EvolvabilityResult result) =>
        result
            .ChosenLearningRates.Select(kv =>
            {
                var runs = Chosen(result, kv.Key);
                var (n, p, r) = (
                    Share(runs, x => x.New),
                    Share(runs, x => x.Paraphrases),
                    Share(runs, x => x.Retention)
                );
                return new FineTuneSummaryRow
                {
                    Variant = kv.Key,
                    LearningRate = kv.Value,
                    TrainableParameters = runs.First().TrainableParameters,
                    Seeds = runs.Count,
                    NewFacts = n.Units,
                    NewAccuracy = n.Share,
                    NewAccuracyCiLow = n.CiLow,
                    NewAccuracyCiHigh = n.CiHigh,
                    ParaphraseFacts = p.Units,
                    ParaphraseAccuracy = p.Share,
                    ParaphraseAccuracyCiLow = p.CiLow,
                    ParaphraseAccuracyCiHigh = p.CiHigh,
                    RetentionFacts = r.Units,
                    RetentionAccuracy = r.Share,
                    RetentionAccuracyCiLow = r.CiLow,
                    RetentionAccuracyCiHigh = r.CiHigh,
                    NewProbability = runs.Average(x => x.New.MeanProbability),
                    ParaphraseProbability = runs.Average(x => x.Paraphrases.MeanProbability),
                    RetentionProbability = runs.Average(x => x.Retention.MeanProbability),
                };
            })
            .ToList();

    /// <summary>Every <see cref="ContrastPairs"/> pair on every query set, where both variants were run;
    /// <paramref name="seed"/> drives the bootstrap.</summary>
    public static IReadOnlyList<FineTuneContrastRow> Contrasts(EvolvabilityResult result, int seed)
    {
        var rows = new List<FineTuneContrastRow>();
        foreach (var (a, b, meaning) in ContrastPairs)
        {
            var (left, right) = (Chosen(result, a), Chosen(result, b));
            if (left.Count == 0 || right.Count == 0)
                continue;
            foreach (var (set, score) in QuerySets)
            {
                var (x, y) = (PerFact(left, score), PerFact(right, score));
                var d = MeanEstimate.Of(x.Zip(y, (l, r) => l - r), seed);
                rows.Add(
                    new FineTuneContrastRow
                    {
                        Contrast = $"{a} - {b}",
                        Meaning = meaning,
                        QuerySet = set,
                        Facts = d.Count,
                        MeanDifference = d.Mean,
                        CiLow = d.CiLow,
                        CiHigh = d.CiHigh,
                        PValue = d.PValue,
                    }
                );
            }
        }
        return rows;
    }
}
