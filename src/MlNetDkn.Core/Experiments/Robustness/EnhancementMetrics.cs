using MlNetDkn.Metrics;

namespace MlNetDkn.Experiments.Robustness;

/// <summary>R2 for one failed perturbed query of a fact under one route and condition (means over random draws).</summary>
public sealed record EnhancementUnitRow
{
    public required string FactId { get; init; }
    public required string RelationId { get; init; }
    public required int Perturbation { get; init; }
    public required string Kind { get; init; }
    public required string Route { get; init; }
    public required string Condition { get; init; }
    public int Draws { get; init; }
    public int SetSize { get; init; }
    public bool HitsSubject { get; init; }
    /// <summary>Share of draws under which the model answers the perturbed query (greedy on the gold tokens, or the
    /// authors' generation check when it ran).</summary>
    public double Correct { get; init; }
    public double DeltaLogP { get; init; }
    /// <summary>Collateral on the clean query: log P change, and the share of draws it is still answered.</summary>
    public double CleanDeltaLogP { get; init; }
    public double CleanCorrect { get; init; }
    /// <summary>Collateral on unrelated facts: mean log P change and accuracy change over them.</summary>
    public double UnrelatedDeltaLogP { get; init; }
    public double UnrelatedAccuracyChange { get; init; }
}

/// <summary>
/// R2 over the failed perturbed queries of one route, kind and condition. The unit is the query: a random control's
/// draws are averaged per query first, so Queries is the denominator of the accuracy and of its Wilson interval
/// (Observations = queries × draws is shown, never used as the trial count).
/// </summary>
public sealed record EnhancementSummaryRow
{
    public required string Route { get; init; }
    public required string Kind { get; init; }
    public required string Condition { get; init; }
    public string Unit { get; init; } = "query";
    public int Queries { get; init; }
    public int Facts { get; init; }
    /// <summary>Draws per query (1 for a fixed set).</summary>
    public int Draws { get; init; }
    public int Observations { get; init; }
    /// <summary>Σ over queries of the share of draws that answer (a whole count for a fixed set).</summary>
    public double Correct { get; init; }
    public double Accuracy { get; init; }
    public double AccuracyCiLow { get; init; }
    public double AccuracyCiHigh { get; init; }
    public double DeltaLogP { get; init; }
    public double DeltaLogPCiLow { get; init; }
    public double DeltaLogPCiHigh { get; init; }
    public double CleanDeltaLogP { get; init; }
    public double CleanAccuracy { get; init; }
    public double UnrelatedDeltaLogP { get; init; }
    public double UnrelatedDeltaLogPCiLow { get; init; }
    public double UnrelatedDeltaLogPCiHigh { get; init; }
    public double UnrelatedAccuracyChange { get; init; }
}

/// <summary>
/// A paired R2 contrast: per query, the first condition's accuracy (share of draws) minus the second's, averaged over
/// the queries both have; the 95 % interval resamples facts (a fact's queries move together).
/// </summary>
public sealed record EnhancementContrastRow
{
    public required string Route { get; init; }
    public required string Kind { get; init; }
    public required string Contrast { get; init; }
    public string Meaning { get; init; } = "";
    public string Unit { get; init; } = "query (paired), resampled by fact";
    public int Queries { get; init; }
    public int Facts { get; init; }
    public double AccuracyDifference { get; init; }
    public double CiLow { get; init; }
    public double CiHigh { get; init; }
    public double DeltaLogPDifference { get; init; }
    public double DeltaLogPCiLow { get; init; }
    public double DeltaLogPCiHigh { get; init; }
}

/// <summary>R2's metrics from the stored records: which facts were selected, per-query rows and summaries.</summary>
public sealed record EnhancementMetrics(int FactsSeen, int FactsSelected, IReadOnlyList<EnhancementUnitRow> Units, IReadOnlyList<EnhancementSummaryRow> Summary,
    IReadOnlyList<EnhancementContrastRow> Contrasts)
{
    public static EnhancementMetrics Compute(IReadOnlyList<PerturbedQueryRecord> records, int seed)
    {
        var units = records.SelectMany(UnitRows).ToList();
        var summary = units.GroupBy(u => (u.Route, u.Kind, u.Condition))
            .Concat(units.GroupBy(u => (u.Route, Kind: SuppressionMetrics.AllKinds, u.Condition)))
            .OrderBy(g => g.Key.Route, StringComparer.Ordinal).ThenBy(g => g.Key.Kind == SuppressionMetrics.AllKinds ? 1 : 0)
            .ThenBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => SuppressionMetrics.ConditionOrder(g.Key.Condition))
            .Select(g => Summarise(g.Key, g.ToList(), seed)).ToList();
        return new EnhancementMetrics(records.Count, records.Count(r => r.Scores.Any(s => s.Condition != "none")), units, summary, ContrastRows(units, seed));
    }

    static List<EnhancementContrastRow> ContrastRows(IReadOnlyList<EnhancementUnitRow> units, int seed)
    {
        var rows = new List<EnhancementContrastRow>();
        var groups = units.GroupBy(u => (u.Route, u.Kind)).Concat(units.GroupBy(u => (u.Route, Kind: SuppressionMetrics.AllKinds)))
            .OrderBy(g => g.Key.Route, StringComparer.Ordinal).ThenBy(g => g.Key.Kind == SuppressionMetrics.AllKinds ? 1 : 0).ThenBy(g => g.Key.Kind, StringComparer.Ordinal);
        foreach (var group in groups)
            foreach (var (a, b, meaning) in SuppressionMetrics.ContrastPairs.Append(("dkn", "none", "DKN ×2 vs the unmodified model")))
            {
                var left = group.Where(u => u.Condition == a).ToDictionary(u => (u.FactId, u.Perturbation));
                var pairs = group.Where(u => u.Condition == b && left.ContainsKey((u.FactId, u.Perturbation))).Select(u => (A: left[(u.FactId, u.Perturbation)], B: u)).ToList();
                if (pairs.Count == 0) continue;
                var accuracy = ClusterBootstrap.Mean(pairs.Select(p => (p.A.FactId, p.A.Correct - p.B.Correct)), seed);
                var logp = ClusterBootstrap.Mean(pairs.Select(p => (p.A.FactId, p.A.DeltaLogP - p.B.DeltaLogP)), seed);
                rows.Add(new EnhancementContrastRow
                {
                    Route = group.Key.Route, Kind = group.Key.Kind, Contrast = $"{a} - {b}", Meaning = meaning, Queries = pairs.Count, Facts = accuracy.Count,
                    AccuracyDifference = accuracy.Mean, CiLow = accuracy.CiLow, CiHigh = accuracy.CiHigh,
                    DeltaLogPDifference = logp.Mean, DeltaLogPCiLow = logp.CiLow, DeltaLogPCiHigh = logp.CiHigh,
                });
            }
        return rows;
    }

    public static IEnumerable<EnhancementUnitRow> UnitRows(PerturbedQueryRecord r)
    {
        if (!r.Scores.Any(s => s.Condition != "none")) yield break;                       // not selected
        int own = 1 + r.Perturbations.Length;
        var baseline = r.Scores.Where(s => s.Condition == "none").GroupBy(s => s.Prompt).ToDictionary(g => g.Key, g => g.First());
        var failed = r.Perturbations.Where(p => p.Changed && baseline.TryGetValue(p.Index, out var b) && !b.Answered).ToList();
        var collateral = Enumerable.Range(own, r.CollateralFacts.Length).Where(baseline.ContainsKey).ToArray();
        foreach (var route in r.Scores.Where(s => s.Condition != "none").Select(s => s.Route).Distinct())
            foreach (var p in failed)
            {
                yield return Unit(r, p, route, "none", 0, 1, [baseline], baseline, collateral);
                foreach (var c in r.Scores.Where(s => s.Route == route && s.Condition != "none").GroupBy(s => s.Condition))
                {
                    var draws = c.GroupBy(s => s.Draw).Select(d => d.ToDictionary(s => s.Prompt)).Where(d => d.ContainsKey(p.Index) && d.ContainsKey(0)).ToList();
                    if (draws.Count > 0) yield return Unit(r, p, route, c.Key, c.First().SetSize, draws.Count, draws, baseline, collateral);
                }
            }
    }

    static EnhancementUnitRow Unit(PerturbedQueryRecord r, PerturbationRecord p, string route, string condition, int size, int drawCount,
        IReadOnlyList<Dictionary<int, ConditionScoreRow>> draws, Dictionary<int, ConditionScoreRow> baseline, int[] collateral) => new()
    {
        FactId = r.FactId, RelationId = r.RelationId, Perturbation = p.Index, Kind = p.Kind, Route = route, Condition = condition,
        Draws = drawCount, SetSize = size, HitsSubject = p.HitsSubject,
        Correct = draws.Average(d => d[p.Index].Answered ? 1.0 : 0.0),
        DeltaLogP = draws.Average(d => d[p.Index].LogProbability - baseline[p.Index].LogProbability),
        CleanDeltaLogP = draws.Average(d => d[0].LogProbability - baseline[0].LogProbability),
        CleanCorrect = draws.Average(d => d[0].Answered ? 1.0 : 0.0),
        UnrelatedDeltaLogP = collateral.Length == 0 ? double.NaN
            : draws.Average(d => collateral.Where(d.ContainsKey).DefaultIfEmpty(-1).Average(j => j < 0 ? double.NaN : d[j].LogProbability - baseline[j].LogProbability)),
        UnrelatedAccuracyChange = collateral.Length == 0 ? double.NaN
            : draws.Average(d => collateral.Where(d.ContainsKey).DefaultIfEmpty(-1).Average(j => j < 0 ? double.NaN : (d[j].Answered ? 1.0 : 0.0) - (baseline[j].Answered ? 1.0 : 0.0))),
    };

    static EnhancementSummaryRow Summarise((string Route, string Kind, string Condition) key, List<EnhancementUnitRow> units, int seed)
    {
        // Draws are averaged per query (u.Correct) before the interval: the query is the trial, not the draw.
        var share = UnitShare.OfMeans("query", units.Select(u => u.Correct), units.Sum(u => u.Draws));
        var delta = MeanEstimate.Of(units.Select(u => u.DeltaLogP), seed);
        var unrelated = MeanEstimate.Of(units.Select(u => u.UnrelatedDeltaLogP), seed);
        return new EnhancementSummaryRow
        {
            Route = key.Route, Kind = key.Kind, Condition = key.Condition, Unit = share.Unit, Queries = units.Count, Facts = units.Select(u => u.FactId).Distinct().Count(),
            Draws = units.Max(u => u.Draws), Observations = share.Observations,
            Correct = share.Successes, Accuracy = share.Share, AccuracyCiLow = share.CiLow, AccuracyCiHigh = share.CiHigh,
            DeltaLogP = delta.Mean, DeltaLogPCiLow = delta.CiLow, DeltaLogPCiHigh = delta.CiHigh,
            CleanDeltaLogP = units.Average(u => u.CleanDeltaLogP), CleanAccuracy = units.Average(u => u.CleanCorrect),
            UnrelatedDeltaLogP = unrelated.Mean, UnrelatedDeltaLogPCiLow = unrelated.CiLow, UnrelatedDeltaLogPCiHigh = unrelated.CiHigh,
            UnrelatedAccuracyChange = units.Select(u => u.UnrelatedAccuracyChange).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average(),
        };
    }
}
