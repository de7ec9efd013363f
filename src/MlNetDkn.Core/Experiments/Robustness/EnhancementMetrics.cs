using MlNetDkn.Metrics;

namespace MlNetDkn.Experiments.Robustness;

/// <summary>R2 for one failed perturbed query of a fact under one route and condition (means over random
/// draws).</summary>
public sealed record EnhancementUnitRow
{
    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public required string FactId { get; init; }

    /// <summary>The relation the fact belongs to.</summary>
    public required string RelationId { get; init; }

    /// <summary>The perturbed prompt's index in the fact's record (1-based; 0 is the clean prompt).</summary>
    public required int Perturbation { get; init; }

    /// <summary>The perturbation kind's name.</summary>
    public required string Kind { get; init; }

    /// <summary>The intervention route in lower case: "activations" or "weights".</summary>
    public required string Route { get; init; }

    /// <summary>The neuron condition's name; "none" is the unmodified model (which fails the query by
    /// selection).</summary>
    public required string Condition { get; init; }

    /// <summary>Random draws of the condition's set averaged over (1 for a fixed set and for "none").</summary>
    public int Draws { get; init; }

    /// <summary>Neurons in the condition's set (0 for "none").</summary>
    public int SetSize { get; init; }

    /// <summary>Whether the perturbation edited a word of the subject.</summary>
    public bool HitsSubject { get; init; }

    /// <summary>Share of draws under which the model answers the perturbed query (greedy on the gold tokens, or the
    /// authors' generation check when it ran).</summary>
    public double Correct { get; init; }

    /// <summary>Change in the answer's log P (natural log) on the perturbed query against the unmodified model, mean
    /// over draws.</summary>
    public double DeltaLogP { get; init; }

    /// <summary>Collateral on the clean query: log P change, and the share of draws it is still answered.</summary>
    public double CleanDeltaLogP { get; init; }

    /// <summary>Share of draws under which the clean query is still answered.</summary>
    public double CleanCorrect { get; init; }

    /// <summary>Collateral on unrelated facts: mean log P change and accuracy change over them.</summary>
    public double UnrelatedDeltaLogP { get; init; }

    /// <summary>Mean change in answered (1/0) over the unrelated facts, averaged over draws; NaN without collateral
    /// prompts.</summary>
    public double UnrelatedAccuracyChange { get; init; }
}

/// <summary>
/// R2 over the failed perturbed queries of one route, kind and condition. The unit is the query: a random control's
/// draws are averaged per query first, so Queries is the denominator of the accuracy and of its Wilson interval
/// (Observations = queries × draws is shown, never used as the trial count).
/// </summary>
public sealed record EnhancementSummaryRow
{
    /// <summary>The intervention route in lower case: "activations" or "weights".</summary>
    public required string Route { get; init; }

    /// <summary>The perturbation kind's name, or "all".</summary>
    public required string Kind { get; init; }

    /// <summary>The neuron condition's name.</summary>
    public required string Condition { get; init; }

    /// <summary>The unit of analysis (the trial of the accuracy interval): the query.</summary>
    public string Unit { get; init; } = "query";

    /// <summary>Failed perturbed queries behind the row (the accuracy's denominator).</summary>
    public int Queries { get; init; }

    /// <summary>Distinct facts those queries come from.</summary>
    public int Facts { get; init; }

    /// <summary>Draws per query (1 for a fixed set).</summary>
    public int Draws { get; init; }

    /// <summary>Queries × draws (scored prompts); shown only, not the trial count.</summary>
    public int Observations { get; init; }

    /// <summary>Σ over queries of the share of draws that answer (a whole count for a fixed set).</summary>
    public double Correct { get; init; }

    /// <see cref="Correct"/> / <see cref="Queries"/>, in [0, 1].
    public double Accuracy { get; init; }

    /// <summary>Lower bound of the 95 % Wilson interval of <see cref="Accuracy"/> over queries.</summary>
    public double AccuracyCiLow { get; init; }

    /// <summary>Upper bound of the 95 % Wilson interval of <see cref="Accuracy"/> over queries.</summary>
    public double AccuracyCiHigh { get; init; }

    /// <summary>Mean over queries of the perturbed query's log P change against the unmodified model.</summary>
    public double DeltaLogP { get; init; }

    /// <summary>Lower bound of the 95 % percentile-bootstrap interval of <see cref="DeltaLogP"/> over
    /// queries.</summary>
    public double DeltaLogPCiLow { get; init; }

    /// <summary>Upper bound of the 95 % percentile-bootstrap interval of <see cref="DeltaLogP"/> over
    /// queries.</summary>
    public double DeltaLogPCiHigh { get; init; }

    /// <summary>Mean over queries of the clean prompt's log P change under the condition (collateral on the fact
    /// itself).</summary>
    public double CleanDeltaLogP { get; init; }

    /// <summary>Mean over queries of the share of draws under which the clean prompt is still answered.</summary>
    public double CleanAccuracy { get; init; }

    /// <summary>Mean over queries of the unrelated facts' log P change; NaN without collateral prompts.</summary>
    public double UnrelatedDeltaLogP { get; init; }

    /// <summary>Lower bound of the 95 % percentile-bootstrap interval of <see cref="UnrelatedDeltaLogP"/>.</summary>
    public double UnrelatedDeltaLogPCiLow { get; init; }

    /// <summary>Upper bound of the 95 % percentile-bootstrap interval of <see cref="UnrelatedDeltaLogP"/>.</summary>
    public double UnrelatedDeltaLogPCiHigh { get; init; }

    /// <summary>Mean over queries (those with collateral) of the unrelated facts' accuracy change; NaN when none has
    /// any.</summary>
    public double UnrelatedAccuracyChange { get; init; }
}

/// <summary>
/// A paired R2 contrast: per query, the first condition's accuracy (share of draws) minus the second's, averaged over
/// the queries both have; the 95 % interval resamples facts (a fact's queries move together).
/// </summary>
public sealed record EnhancementContrastRow
{
    /// <summary>The intervention route in lower case: "activations" or "weights".</summary>
    public required string Route { get; init; }

    /// <summary>The perturbation kind's name, or "all".</summary>
    public required string Kind { get; init; }

    /// <summary>The two conditions compared, as "a - b" (e.g. "dkn - random-dkn", "dkn - none").</summary>
    public required string Contrast { get; init; }

    /// <summary>What the second condition controls for.</summary>
    public string Meaning { get; init; } = "";

    /// <summary>The unit of analysis: queries paired across the two conditions, with facts as the resampling
    /// cluster.</summary>
    public string Unit { get; init; } = "query (paired), resampled by fact";

    /// <summary>Queries that have both conditions.</summary>
    public int Queries { get; init; }

    /// <summary>Distinct facts of those queries (the bootstrap's resampling units).</summary>
    public int Facts { get; init; }

    /// <summary>Mean over the paired queries of accuracy(a) − accuracy(b), each a share of draws.</summary>
    public double AccuracyDifference { get; init; }

    /// <summary>Lower bound of the 95 % fact-clustered bootstrap interval of <see
    /// cref="AccuracyDifference"/>.</summary>
    public double CiLow { get; init; }

    /// <summary>Upper bound of the 95 % fact-clustered bootstrap interval of <see
    /// cref="AccuracyDifference"/>.</summary>
    public double CiHigh { get; init; }

    /// <summary>Mean over the paired queries of ΔlogP(a) − ΔlogP(b).</summary>
    public double DeltaLogPDifference { get; init; }

    /// <summary>Lower bound of the 95 % fact-clustered bootstrap interval of <see
    /// cref="DeltaLogPDifference"/>.</summary>
    public double DeltaLogPCiLow { get; init; }

    /// <summary>Upper bound of the 95 % fact-clustered bootstrap interval of <see
    /// cref="DeltaLogPDifference"/>.</summary>
    public double DeltaLogPCiHigh { get; init; }
}

/// <summary>R2's metrics from the stored records: which facts were selected, per-query rows and summaries.</summary>
/// <param name="FactsSeen">Facts with a stored record.</param>
/// <param name="FactsSelected">Facts scored under some condition (those with a failed perturbed query).</param>
/// <param name="Units">One row per failed perturbed query, route and condition.</param>
/// <param name="Summary">One row per route, kind (and "all") and condition, over queries.</param>
/// <param name="Contrasts">Paired condition contrasts per route and kind, including DKN against the unmodified
/// model.</param>
public sealed record EnhancementMetrics(
    int FactsSeen,
    int FactsSelected,
    IReadOnlyList<EnhancementUnitRow> Units,
    IReadOnlyList<EnhancementSummaryRow> Summary,
    IReadOnlyList<EnhancementContrastRow> Contrasts
)
{
    /// <summary>Computes the unit rows, summaries and contrasts from the stored records.</summary>
    /// <param name="seed">Seed of the bootstrap resampling.</param>
    public static EnhancementMetrics Compute(IReadOnlyList<PerturbedQueryRecord> records, int seed)
    {
        var units = records.SelectMany(UnitRows).ToList();
        var summary = units
            .GroupBy(u => (u.Route, u.Kind, u.Condition))
            .Concat(units.GroupBy(u => (u.Route, Kind: SuppressionMetrics.AllKinds, u.Condition)))
            .OrderBy(g => g.Key.Route, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Kind == SuppressionMetrics.AllKinds ? 1 : 0)
            .ThenBy(g => g.Key.Kind, StringComparer.Ordinal)
            .ThenBy(g => SuppressionMetrics.ConditionOrder(g.Key.Condition))
            .Select(g => Summarise(g.Key, g.ToList(), seed))
            .ToList();
        return new EnhancementMetrics(
            records.Count,
            records.Count(r => r.Scores.Any(s => s.Condition != "none")),
            units,
            summary,
            ContrastRows(units, seed)
        );
    }

    static List<EnhancementContrastRow> ContrastRows(IReadOnlyList<EnhancementUnitRow> units, int seed)
    {
        var rows = new List<EnhancementContrastRow>();
        var groups = units
            .GroupBy(u => (u.Route, u.Kind))
            .Concat(units.GroupBy(u => (u.Route, Kind: SuppressionMetrics.AllKinds)))
            .OrderBy(g => g.Key.Route, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Kind == SuppressionMetrics.AllKinds ? 1 : 0)
            .ThenBy(g => g.Key.Kind, StringComparer.Ordinal);
        foreach (var group in groups)
        foreach (
            var (a, b, meaning) in SuppressionMetrics.ContrastPairs.Append(
                ("dkn", "none", "DKN ×2 vs the unmodified model")
            )
        )
        {
            var left = group.Where(u => u.Condition == a).ToDictionary(u => (u.FactId, u.Perturbation));
            var pairs = group
                .Where(u => u.Condition == b && left.ContainsKey((u.FactId, u.Perturbation)))
                .Select(u => (A: left[(u.FactId, u.Perturbation)], B: u))
                .ToList();
            if (pairs.Count == 0)
                continue;
            var accuracy = ClusterBootstrap.Mean(pairs.Select(p => (p.A.FactId, p.A.Correct - p.B.Correct)), seed);
            var logp = ClusterBootstrap.Mean(pairs.Select(p => (p.A.FactId, p.A.DeltaLogP - p.B.DeltaLogP)), seed);
            rows.Add(
                new EnhancementContrastRow
                {
                    Route = group.Key.Route,
                    Kind = group.Key.Kind,
                    Contrast = $"{a} - {b}",
                    Meaning = meaning,
                    Queries = pairs.Count,
                    Facts = accuracy.Count,
                    AccuracyDifference = accuracy.Mean,
                    CiLow = accuracy.CiLow,
                    CiHigh = accuracy.CiHigh,
                    DeltaLogPDifference = logp.Mean,
                    DeltaLogPCiLow = logp.CiLow,
                    DeltaLogPCiHigh = logp.CiHigh,
                }
            );
        }
        return rows;
    }

    /// <summary>One row per failed perturbed query (changed, and not answered by the unmodified model), route and
    /// condition; nothing for a fact that was not selected.</summary>
    public static IEnumerable<EnhancementUnitRow> UnitRows(PerturbedQueryRecord r)
    {
        if (!r.Scores.Any(s => s.Condition != "none"))
            yield break; // not selected
        int own = 1 + r.Perturbations.Length;
        var baseline = r
            .Scores.Where(s => s.Condition == "none")
            .GroupBy(s => s.Prompt)
            .ToDictionary(g => g.Key, g => g.First());
        var failed = r
            .Perturbations.Where(p => p.Changed && baseline.TryGetValue(p.Index, out var b) && !b.Answered)
            .ToList();
        var collateral = Enumerable.Range(own, r.CollateralFacts.Length).Where(baseline.ContainsKey).ToArray();
        foreach (var route in r.Scores.Where(s => s.Condition != "none").Select(s => s.Route).Distinct())
        foreach (var p in failed)
        {
            yield return Unit(r, p, route, "none", 0, 1, [baseline], baseline, collateral);
            foreach (var c in r.Scores.Where(s => s.Route == route && s.Condition != "none").GroupBy(s => s.Condition))
            {
                var draws = c.GroupBy(s => s.Draw)
                    .Select(d => d.ToDictionary(s => s.Prompt))
                    .Where(d => d.ContainsKey(p.Index) && d.ContainsKey(0))
                    .ToList();
                if (draws.Count > 0)
                    yield return Unit(r, p, route, c.Key, c.First().SetSize, draws.Count, draws, baseline, collateral);
            }
        }
    }

    static EnhancementUnitRow Unit(
        PerturbedQueryRecord r,
        PerturbationRecord p,
        string route,
        string condition,
        int size,
        int drawCount,
        IReadOnlyList<Dictionary<int, ConditionScoreRow>> draws,
        Dictionary<int, ConditionScoreRow> baseline,
        int[] collateral
    ) =>
        new()
        {
            FactId = r.FactId,
            RelationId = r.RelationId,
            Perturbation = p.Index,
            Kind = p.Kind,
            Route = route,
            Condition = condition,
            Draws = drawCount,
            SetSize = size,
            HitsSubject = p.HitsSubject,
            Correct = draws.Average(d => d[p.Index].Answered ? 1.0 : 0.0),
            DeltaLogP = draws.Average(d => d[p.Index].LogProbability - baseline[p.Index].LogProbability),
            CleanDeltaLogP = draws.Average(d => d[0].LogProbability - baseline[0].LogProbability),
            CleanCorrect = draws.Average(d => d[0].Answered ? 1.0 : 0.0),
            UnrelatedDeltaLogP =
                collateral.Length == 0
                    ? double.NaN
                    : draws.Average(d =>
                        collateral
                            .Where(d.ContainsKey)
                            .DefaultIfEmpty(-1)
                            .Average(j => j < 0 ? double.NaN : d[j].LogProbability - baseline[j].LogProbability)
                    ),
            UnrelatedAccuracyChange =
                collateral.Length == 0
                    ? double.NaN
                    : draws.Average(d =>
                        collateral
                            .Where(d.ContainsKey)
                            .DefaultIfEmpty(-1)
                            .Average(j =>
                                j < 0 ? double.NaN : (d[j].Answered ? 1.0 : 0.0) - (baseline[j].Answered ? 1.0 : 0.0)
                            )
                    ),
        };

    static EnhancementSummaryRow Summarise(
        (string Route, string Kind, string Condition) key,
        List<EnhancementUnitRow> units,
        int seed
    )
    {
        // Draws are averaged per query (u.Correct) before the interval: the query is the trial, not the draw.
        var share = UnitShare.OfMeans("query", units.Select(u => u.Correct), units.Sum(u => u.Draws));
        var delta = MeanEstimate.Of(units.Select(u => u.DeltaLogP), seed);
        var unrelated = MeanEstimate.Of(units.Select(u => u.UnrelatedDeltaLogP), seed);
        return new EnhancementSummaryRow
        {
            Route = key.Route,
            Kind = key.Kind,
            Condition = key.Condition,
            Unit = share.Unit,
            Queries = units.Count,
            Facts = units.Select(u => u.FactId).Distinct().Count(),
            Draws = units.Max(u => u.Draws),
            Observations = share.Observations,
            Correct = share.Successes,
            Accuracy = share.Share,
            AccuracyCiLow = share.CiLow,
            AccuracyCiHigh = share.CiHigh,
            DeltaLogP = delta.Mean,
            DeltaLogPCiLow = delta.CiLow,
            DeltaLogPCiHigh = delta.CiHigh,
            CleanDeltaLogP = units.Average(u => u.CleanDeltaLogP),
            CleanAccuracy = units.Average(u => u.CleanCorrect),
            UnrelatedDeltaLogP = unrelated.Mean,
            UnrelatedDeltaLogPCiLow = unrelated.CiLow,
            UnrelatedDeltaLogPCiHigh = unrelated.CiHigh,
            UnrelatedAccuracyChange = units
                .Select(u => u.UnrelatedAccuracyChange)
                .Where(v => !double.IsNaN(v))
                .DefaultIfEmpty(double.NaN)
                .Average(),
        };
    }
}
