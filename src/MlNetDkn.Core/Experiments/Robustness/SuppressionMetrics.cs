using MlNetDkn.Metrics;

namespace MlNetDkn.Experiments.Robustness;

/// <summary>R1 per fact, route, perturbation kind and condition (means over the fact's perturbations of that kind and
/// the condition's random draws).</summary>
public sealed record SuppressionFactRow
{
    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public required string FactId { get; init; }

    /// <summary>The relation the fact belongs to.</summary>
    public required string RelationId { get; init; }

    /// <summary>The intervention route in lower case: "activations" or "weights".</summary>
    public required string Route { get; init; }

    /// <summary>The perturbation kind's name, or "all" for every changed perturbation of the fact together.</summary>
    public required string Kind { get; init; }

    /// <summary>The neuron condition's name ("none", "dkn", "kn", "random-dkn", ...); "none" rows have zero
    /// interaction.</summary>
    public required string Condition { get; init; }

    /// <summary>Changed perturbed prompts of this kind behind the row.</summary>
    public int Perturbations { get; init; }

    /// <summary>Random draws of the condition's neuron set averaged over (1 for fixed sets, 0 for "none").</summary>
    public int Draws { get; init; }

    /// <summary>Neurons in the condition's set (0 for "none").</summary>
    public int SetSize { get; init; }

    /// <summary>Share of the row's perturbations whose edited word lies in the subject, in [0, 1].</summary>
    public double HitsSubject { get; init; }

    /// <summary>P(Q): the answer's probability on the clean prompt without intervention.</summary>
    public double PClean { get; init; }

    /// <summary>P(Q*): mean answer probability over the perturbed prompts without intervention.</summary>
    public double PPerturbed { get; init; }

    /// <summary>P_c(Q): answer probability on the clean prompt under the condition, averaged over draws.</summary>
    public double PInterveneClean { get; init; }

    /// <summary>P_c(Q*): answer probability over the perturbed prompts under the condition, averaged over prompts and
    /// draws.</summary>
    public double PIntervenePerturbed { get; init; }

    /// <summary>[P_c(Q*) − P_c(Q)] − [P(Q*) − P(Q)]: how much more the intervention lowers P on the perturbed
    /// query.</summary>
    public double Interaction { get; init; }

    /// <see cref="Interaction"/> computed on log P instead of P (natural log), averaged over prompts and draws.
    public double InteractionLogP { get; init; }
}

/// <summary>R1 over facts for one route, kind and condition.</summary>
public sealed record SuppressionSummaryRow
{
    /// <summary>The intervention route in lower case: "activations" or "weights".</summary>
    public required string Route { get; init; }

    /// <summary>The perturbation kind's name, or "all".</summary>
    public required string Kind { get; init; }

    /// <summary>The neuron condition's name.</summary>
    public required string Condition { get; init; }

    /// <summary>The unit of analysis behind every interval of the row: the fact (its perturbations and random draws
    /// averaged first); Facts is the denominator.</summary>
    public string Unit { get; init; } = "fact";

    /// <summary>Facts with a row for this route, kind and condition.</summary>
    public int Facts { get; init; }

    /// <summary>Mean over facts of P(Q), the clean prompt's answer probability without intervention.</summary>
    public double PClean { get; init; }

    /// <summary>Mean over facts of P(Q*), the perturbed prompts' answer probability without intervention.</summary>
    public double PPerturbed { get; init; }

    /// <summary>Mean over facts of P_c(Q), the clean prompt under the condition.</summary>
    public double PInterveneClean { get; init; }

    /// <summary>Mean over facts of P_c(Q*), the perturbed prompts under the condition.</summary>
    public double PIntervenePerturbed { get; init; }

    /// <summary>Mean over facts of the per-fact interaction on P (see <see
    /// cref="SuppressionFactRow.Interaction"/>).</summary>
    public double Interaction { get; init; }

    /// <summary>Lower bound of the 95 % percentile-bootstrap interval of <see cref="Interaction"/> over
    /// facts.</summary>
    public double InteractionCiLow { get; init; }

    /// <summary>Upper bound of the 95 % percentile-bootstrap interval of <see cref="Interaction"/> over
    /// facts.</summary>
    public double InteractionCiHigh { get; init; }

    /// <summary>Two-sided p of the one-sample t-test that the mean interaction on P is 0 (NaN below two
    /// facts).</summary>
    public double InteractionP { get; init; }

    /// <summary>Mean over facts of the per-fact interaction on log P.</summary>
    public double InteractionLogP { get; init; }

    /// <summary>Lower bound of the 95 % percentile-bootstrap interval of <see cref="InteractionLogP"/>.</summary>
    public double InteractionLogPCiLow { get; init; }

    /// <summary>Upper bound of the 95 % percentile-bootstrap interval of <see cref="InteractionLogP"/>.</summary>
    public double InteractionLogPCiHigh { get; init; }

    /// <summary>Two-sided p of the one-sample t-test that the mean interaction on log P is 0.</summary>
    public double InteractionLogPP { get; init; }

    /// <summary>The authors' "ΔProb (%)": 100·(mean P_c(Q*) − mean P_c(Q)) / mean P_c(Q) over all facts (for none:
    /// P).</summary>
    public double ChangePercent { get; init; }

    /// <summary>Lower bound of the 95 % bootstrap interval of <see cref="ChangePercent"/> (facts resampled in
    /// pairs).</summary>
    public double ChangePercentCiLow { get; init; }

    /// <summary>Upper bound of the 95 % bootstrap interval of <see cref="ChangePercent"/>.</summary>
    public double ChangePercentCiHigh { get; init; }

    /// <summary>The same, averaged the authors' way: each mean only over the facts whose value is 0 or below the
    /// cut-off (1e-5 activations, 1e-6 weights; disturb_query.py average_results). Outcome-filtered: for comparison
    /// only.</summary>
    public double AuthorsFilteredChangePercent { get; init; }

    /// <summary>Facts kept by the authors' cut-off for the clean mean of <see
    /// cref="AuthorsFilteredChangePercent"/>.</summary>
    public int AuthorsFilteredFactsClean { get; init; }

    /// <summary>Facts kept by the authors' cut-off for the perturbed mean of <see
    /// cref="AuthorsFilteredChangePercent"/>.</summary>
    public int AuthorsFilteredFactsPerturbed { get; init; }
}

/// <summary>A paired contrast over facts: the first condition's interaction minus the second's, per fact (negative:
/// the first condition lowers P on the perturbed query more than its control does).</summary>
public sealed record ConditionContrastRow
{
    /// <summary>The intervention route in lower case: "activations" or "weights".</summary>
    public required string Route { get; init; }

    /// <summary>The perturbation kind's name, or "all".</summary>
    public required string Kind { get; init; }

    /// <summary>The two conditions compared, as "a - b" (e.g. "dkn - random-dkn").</summary>
    public required string Contrast { get; init; }

    /// <summary>What the control isolates.</summary>
    public string Meaning { get; init; } = "";

    /// <summary>The unit of analysis behind the interval and test: the fact.</summary>
    public string Unit { get; init; } = "fact";

    /// <summary>Facts that have both conditions.</summary>
    public int Facts { get; init; }

    /// <summary>Mean over facts of interaction(a) − interaction(b) on log P.</summary>
    public double MeanDifferenceLogP { get; init; }

    /// <summary>Lower bound of the 95 % percentile-bootstrap interval of <see cref="MeanDifferenceLogP"/>.</summary>
    public double CiLow { get; init; }

    /// <summary>Upper bound of the 95 % percentile-bootstrap interval of <see cref="MeanDifferenceLogP"/>.</summary>
    public double CiHigh { get; init; }

    /// <summary>Two-sided paired t-test.</summary>
    public double PValue { get; init; }

    /// <summary>Mean over facts of interaction(a) − interaction(b) on P.</summary>
    public double MeanDifferenceP { get; init; }

    /// <summary>Two-sided paired t-test p of <see cref="MeanDifferenceP"/>.</summary>
    public double PValueP { get; init; }
}

/// <summary>R1's metrics from the stored per-fact records: per-fact rows, summaries with bootstrap intervals, paired
/// contrasts.</summary>
/// <param name="Facts">One row per fact, route, kind and condition.</param>
/// <param name="Summary">One row per route, kind and condition, over facts.</param>
/// <param name="Contrasts">Paired condition contrasts per route and kind, for the <see cref="ContrastPairs"/>
/// present.</param>
public sealed record SuppressionMetrics(
    IReadOnlyList<SuppressionFactRow> Facts,
    IReadOnlyList<SuppressionSummaryRow> Summary,
    IReadOnlyList<ConditionContrastRow> Contrasts
)
{
    /// <summary>Kind name of the rows that pool every changed perturbation of a fact.</summary>
    public const string AllKinds = "all";

    /// <summary>Each compared set against the control matched to it, and the DKN against an equally large part of the
    /// knowledge neurons (what the DKN adds beyond its size) and against the rest of the knowledge neurons.</summary>
    public static readonly (string A, string B, string Meaning)[] ContrastPairs =
    [
        ("dkn", "random-dkn", "DKN vs random neurons of its size and layers"),
        ("kn", "random-kn", "knowledge neurons vs random neurons of their size and layers"),
        (
            "kn-minus-dkn",
            "random-kn-minus-dkn",
            "knowledge neurons outside the DKN vs random neurons of their size and layers"
        ),
        ("dkn", "kn-subset", "DKN vs random knowledge-neuron subsets of the DKN's size and layers"),
        ("dkn", "kn-minus-dkn", "DKN vs the knowledge neurons outside it (sizes differ)"),
    ];

    /// <summary>Computes the per-fact rows, summaries and contrasts from the stored records.</summary>
    /// <param name="seed">Seed of the bootstrap resampling (same seed, same intervals).</param>
    /// <param name="valueCutoff">The authors' cut-off for activation-route probabilities in the filtered ΔProb.</param>
    /// <param name="weightCutoff">The authors' cut-off for weight-route probabilities in the filtered ΔProb.</param>
    public static SuppressionMetrics Compute(
        IReadOnlyList<PerturbedQueryRecord> records,
        int seed,
        double valueCutoff = 1e-5,
        double weightCutoff = 1e-6
    )
    {
        var facts = records.SelectMany(FactRows).ToList();
        var summary = facts
            .GroupBy(f => (f.Route, f.Kind, f.Condition))
            .OrderBy(g => g.Key.Route, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Kind == AllKinds ? 1 : 0)
            .ThenBy(g => g.Key.Kind, StringComparer.Ordinal)
            .ThenBy(g => ConditionOrder(g.Key.Condition))
            .Select(g => Summarise(g.Key, g.ToList(), seed, g.Key.Route == "weights" ? weightCutoff : valueCutoff))
            .ToList();
        var contrasts = new List<ConditionContrastRow>();
        foreach (var group in facts.GroupBy(f => (f.Route, f.Kind)))
        foreach (var (a, b, meaning) in ContrastPairs)
        {
            var left = group.Where(f => f.Condition == a).ToDictionary(f => f.FactId);
            var pairs = group
                .Where(f => f.Condition == b && left.ContainsKey(f.FactId))
                .Select(f => (A: left[f.FactId], B: f))
                .ToList();
            if (pairs.Count == 0)
                continue;
            var logp = MeanEstimate.Of(pairs.Select(p => p.A.InteractionLogP - p.B.InteractionLogP), seed);
            var prob = MeanEstimate.Of(pairs.Select(p => p.A.Interaction - p.B.Interaction), seed);
            contrasts.Add(
                new ConditionContrastRow
                {
                    Route = group.Key.Route,
                    Kind = group.Key.Kind,
                    Contrast = $"{a} - {b}",
                    Meaning = meaning,
                    Facts = logp.Count,
                    MeanDifferenceLogP = logp.Mean,
                    CiLow = logp.CiLow,
                    CiHigh = logp.CiHigh,
                    PValue = logp.PValue,
                    MeanDifferenceP = prob.Mean,
                    PValueP = prob.PValue,
                }
            );
        }
        return new SuppressionMetrics(
            facts,
            summary,
            contrasts.OrderBy(c => c.Route, StringComparer.Ordinal).ThenBy(c => c.Kind, StringComparer.Ordinal).ToList()
        );
    }

    /// <summary>Sort key of a condition name in the tables: dkn, kn, kn-minus-dkn, the three random controls,
    /// kn-subset, then others.</summary>
    public static int ConditionOrder(string c) =>
        c switch
        {
            "dkn" => 0,
            "kn" => 1,
            "kn-minus-dkn" => 2,
            "random-dkn" => 3,
            "random-kn" => 4,
            "random-kn-minus-dkn" => 5,
            "kn-subset" => 6,
            _ => 7,
        };

    /// <summary>One row per (route, kind incl. "all", condition) of a fact; nothing for kinds with no changed
    /// prompt.</summary>
    public static IEnumerable<SuppressionFactRow> FactRows(PerturbedQueryRecord r)
    {
        var baseline = r
            .Scores.Where(s => s.Condition == "none")
            .GroupBy(s => s.Prompt)
            .ToDictionary(g => g.Key, g => g.First());
        var kinds = r
            .Perturbations.Where(p => p.Changed)
            .GroupBy(p => p.Kind)
            .Select(g => (Kind: g.Key, Prompts: g.Select(p => p.Index).ToArray(), Perturbations: g.ToList()))
            .ToList();
        if (kinds.Count == 0 || !baseline.ContainsKey(0))
            yield break;
        kinds.Add(
            (
                AllKinds,
                kinds.SelectMany(k => k.Prompts).Order().ToArray(),
                kinds.SelectMany(k => k.Perturbations).ToList()
            )
        );
        var routes = r.Scores.Where(s => s.Condition != "none").Select(s => s.Route).Distinct().ToList();
        if (routes.Count == 0)
            routes = r.Scores.Select(s => s.Route).Distinct().ToList();
        foreach (var route in routes)
        foreach (var (kind, prompts, perturbations) in kinds)
        {
            if (!prompts.All(baseline.ContainsKey))
                continue;
            double p0 = Math.Exp(baseline[0].LogProbability),
                lp0 = baseline[0].LogProbability;
            double pStar = prompts.Average(i => Math.Exp(baseline[i].LogProbability)),
                lpStar = prompts.Average(i => baseline[i].LogProbability);
            var conditions = r
                .Scores.Where(s => s.Route == route && s.Condition != "none")
                .GroupBy(s => s.Condition)
                .ToList();
            yield return new SuppressionFactRow
            {
                FactId = r.FactId,
                RelationId = r.RelationId,
                Route = route,
                Kind = kind,
                Condition = "none",
                Perturbations = prompts.Length,
                HitsSubject = perturbations.Average(p => p.HitsSubject ? 1.0 : 0.0),
                PClean = p0,
                PPerturbed = pStar,
                PInterveneClean = p0,
                PIntervenePerturbed = pStar,
                Interaction = 0,
                InteractionLogP = 0,
            };
            foreach (var condition in conditions)
            {
                var draws = condition
                    .GroupBy(s => s.Draw)
                    .Select(d => d.ToDictionary(s => s.Prompt))
                    .Where(d => d.ContainsKey(0) && prompts.All(d.ContainsKey))
                    .ToList();
                if (draws.Count == 0)
                    continue;
                var interactions = draws
                    .SelectMany(d =>
                        prompts.Select(i =>
                            (Math.Exp(d[i].LogProbability) - Math.Exp(d[0].LogProbability))
                            - (Math.Exp(baseline[i].LogProbability) - p0)
                        )
                    )
                    .ToList();
                var logInteractions = draws
                    .SelectMany(d =>
                        prompts.Select(i =>
                            (d[i].LogProbability - d[0].LogProbability) - (baseline[i].LogProbability - lp0)
                        )
                    )
                    .ToList();
                yield return new SuppressionFactRow
                {
                    FactId = r.FactId,
                    RelationId = r.RelationId,
                    Route = route,
                    Kind = kind,
                    Condition = condition.Key,
                    Perturbations = prompts.Length,
                    Draws = draws.Count,
                    SetSize = condition.First().SetSize,
                    HitsSubject = perturbations.Average(p => p.HitsSubject ? 1.0 : 0.0),
                    PClean = p0,
                    PPerturbed = pStar,
                    PInterveneClean = draws.Average(d => Math.Exp(d[0].LogProbability)),
                    PIntervenePerturbed = draws.Average(d => prompts.Average(i => Math.Exp(d[i].LogProbability))),
                    Interaction = interactions.Average(),
                    InteractionLogP = logInteractions.Average(),
                };
            }
        }
    }

    static SuppressionSummaryRow Summarise(
        (string Route, string Kind, string Condition) key,
        List<SuppressionFactRow> rows,
        int seed,
        double cutoff
    )
    {
        var interaction = MeanEstimate.Of(rows.Select(r => r.Interaction), seed);
        var logp = MeanEstimate.Of(rows.Select(r => r.InteractionLogP), seed);
        var clean = rows.Select(r => r.PInterveneClean).ToArray();
        var perturbed = rows.Select(r => r.PIntervenePerturbed).ToArray();
        var change = RelativeChange(perturbed, clean, seed);
        // The authors' average_results: each mean over its own kept facts (0 counts as kept, adding 0).
        bool Kept(double v) => v == 0 || Math.Abs(v) < cutoff;
        var keptClean = clean.Where(Kept).ToArray();
        var keptPerturbed = perturbed.Where(Kept).ToArray();
        double filtered =
            keptClean.Length == 0 || keptPerturbed.Length == 0
                ? double.NaN
                : 100 * (keptPerturbed.Average() - keptClean.Average()) / keptClean.Average();
        return new SuppressionSummaryRow
        {
            Route = key.Route,
            Kind = key.Kind,
            Condition = key.Condition,
            Facts = rows.Count,
            PClean = rows.Average(r => r.PClean),
            PPerturbed = rows.Average(r => r.PPerturbed),
            PInterveneClean = clean.Average(),
            PIntervenePerturbed = perturbed.Average(),
            Interaction = interaction.Mean,
            InteractionCiLow = interaction.CiLow,
            InteractionCiHigh = interaction.CiHigh,
            InteractionP = interaction.PValue,
            InteractionLogP = logp.Mean,
            InteractionLogPCiLow = logp.CiLow,
            InteractionLogPCiHigh = logp.CiHigh,
            InteractionLogPP = logp.PValue,
            ChangePercent = change.Mean,
            ChangePercentCiLow = change.CiLow,
            ChangePercentCiHigh = change.CiHigh,
            AuthorsFilteredChangePercent = filtered,
            AuthorsFilteredFactsClean = keptClean.Length,
            AuthorsFilteredFactsPerturbed = keptPerturbed.Length,
        };
    }

    /// <summary>100·(mean a − mean b)/mean b with a 95 % bootstrap interval over paired facts.</summary>
    public static MeanEstimate RelativeChange(IReadOnlyList<double> a, IReadOnlyList<double> b, int seed)
    {
        int n = a.Count;
        if (n == 0)
            return MeanEstimate.Empty;
        static double Change(double ma, double mb) => 100 * (ma - mb) / mb;
        double point = Change(a.Average(), b.Average());
        if (n == 1)
            return new(1, point, double.NaN, double.NaN, double.NaN);
        var rng = new Random(seed);
        var values = new double[MeanEstimate.Resamples];
        for (int k = 0; k < values.Length; k++)
        {
            double sa = 0,
                sb = 0;
            for (int i = 0; i < n; i++)
            {
                int j = rng.Next(n);
                sa += a[j];
                sb += b[j];
            }
            values[k] = Change(sa / n, sb / n);
        }
        Array.Sort(values);
        return new(
            n,
            point,
            Statistics.Quantile(values.Where(double.IsFinite), 0.025),
            Statistics.Quantile(values.Where(double.IsFinite), 0.975),
            double.NaN
        );
    }
}
