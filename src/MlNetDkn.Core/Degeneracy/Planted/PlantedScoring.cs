namespace MlNetDkn.Degeneracy.Planted;

/// <summary>What one method reported for one planted fact.</summary>
public sealed record ReportedDkn(
    string FactId,
    string Method,
    bool IsDkn,
    IReadOnlyList<IReadOnlyList<Neuron>> Components
);

/// <summary>
/// One method against the planted truth (verified facts only; the others are counted in UnverifiedFacts). Detection: a
/// fact is positive when the method reports a DKN; the planted degenerate facts are the true positives, additive and
/// single facts must stay negative. Components: a reported component matches a planted one when their Jaccard
/// similarity is at least <see cref="PlantedScoring.MatchJaccard"/> (one-to-one, best pairs first).
/// </summary>
public sealed record PlantedMethodScore(
    string Method,
    int DegenerateFacts,
    int OtherFacts,
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    double Precision,
    double Recall,
    double F1,
    int PlantedComponents,
    int ReportedComponents,
    int MatchedComponents,
    double ComponentRecall,
    double ComponentPrecision,
    int ExactMatches,
    double NeuronJaccard
)
{
    /// <summary>Reported facts left out of every count because the planted truth did not hold on the built
    /// model.</summary>
    public int UnverifiedFacts { get; init; }

    /// <summary>Mean over the planted components of degenerate facts detected as DKNs: the best Jaccard similarity of
    /// the component with any reported component (1 when recovered exactly).</summary>
    public double ComponentJaccard { get; init; } = double.NaN;
}

/// <summary>Scores methods' reported DKNs against a planted model's truth.</summary>
public static class PlantedScoring
{
    /// <summary>Least Jaccard similarity at which a reported component matches a planted one.</summary>
    public const double MatchJaccard = 0.5;

    /// <summary>
    /// One score per method (ordinal order) over the reported facts the truth holds; ROME-export ids are mapped back to
    /// planted ids first.
    /// </summary>
    public static IReadOnlyList<PlantedMethodScore> Score(PlantedTruth truth, IEnumerable<ReportedDkn> reported)
    {
        var facts = truth.Facts.Where(f => f.Verified).ToDictionary(f => f.FactId);
        var unverified = truth.Facts.Where(f => !f.Verified).Select(f => f.FactId).ToHashSet();
        return reported
            .Select(r => r with { FactId = PlantedRomeExport.TruthId(r.FactId) })
            .Where(r => facts.ContainsKey(r.FactId) || unverified.Contains(r.FactId))
            .GroupBy(r => r.Method)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                int dropped = g.Count(r => unverified.Contains(r.FactId));
                var bestMatches = new List<double>();
                int tp = 0,
                    fp = 0,
                    fn = 0,
                    planted = 0,
                    reportedCount = 0,
                    matched = 0,
                    exact = 0,
                    degenerate = 0,
                    other = 0;
                var jaccards = new List<double>();
                foreach (var r in g.Where(r => facts.ContainsKey(r.FactId)))
                {
                    var fact = facts[r.FactId];
                    bool positive = fact.Kind == PlantedKind.Degenerate;
                    if (positive)
                        degenerate++;
                    else
                        other++;
                    if (r.IsDkn && positive)
                        tp++;
                    else if (r.IsDkn)
                        fp++;
                    else if (positive)
                        fn++;
                    if (positive)
                        planted += fact.Components.Count;
                    if (r.IsDkn)
                        reportedCount += r.Components.Count;
                    if (positive && r.IsDkn)
                    {
                        int m = Match(fact.Components, r.Components);
                        matched += m;
                        if (
                            m == fact.Components.Count
                            && r.Components.Count == fact.Components.Count
                            && SameSets(fact.Components, r.Components)
                        )
                            exact++;
                        jaccards.Add(Statistics.Jaccard(fact.PlantedNeurons, r.Components.SelectMany(c => c)));
                        foreach (var component in fact.Components)
                            bestMatches.Add(
                                r.Components.Count == 0 ? 0 : r.Components.Max(c => Statistics.Jaccard(component, c))
                            );
                    }
                }
                double precision = tp + fp == 0 ? double.NaN : (double)tp / (tp + fp),
                    recall = degenerate == 0 ? double.NaN : (double)tp / degenerate;
                double f1 =
                    double.IsNaN(precision) || double.IsNaN(recall) || precision + recall == 0
                        ? 0
                        : 2 * precision * recall / (precision + recall);
                return new PlantedMethodScore(
                    g.Key,
                    degenerate,
                    other,
                    tp,
                    fp,
                    fn,
                    precision,
                    recall,
                    f1,
                    planted,
                    reportedCount,
                    matched,
                    planted == 0 ? double.NaN : (double)matched / planted,
                    reportedCount == 0 ? double.NaN : (double)matched / reportedCount,
                    exact,
                    jaccards.Count == 0 ? double.NaN : jaccards.Average()
                )
                {
                    UnverifiedFacts = dropped,
                    ComponentJaccard = bestMatches.Count == 0 ? double.NaN : bestMatches.Average(),
                };
            })
            .ToList();
    }

    /// <summary>One-to-one matches with Jaccard ≥ <see cref="MatchJaccard"/>, best pairs first.</summary>
    public static int Match(IReadOnlyList<IReadOnlyList<Neuron>> truth, IReadOnlyList<IReadOnlyList<Neuron>> reported)
    {
        var t = truth.Select(c => c.ToHashSet()).ToList();
        var r = reported.Select(c => c.ToHashSet()).ToList();
        var pairs = (
            from i in Enumerable.Range(0, t.Count)
            from j in Enumerable.Range(0, r.Count)
            let s = Statistics.Jaccard(t[i], r[j])
            where s >= MatchJaccard
            orderby s descending
            select (i, j)
        ).ToList();
        var usedT = new HashSet<int>();
        var usedR = new HashSet<int>();
        foreach (var (i, j) in pairs)
            if (!usedT.Contains(i) && !usedR.Contains(j))
            {
                usedT.Add(i);
                usedR.Add(j);
            }
        return usedT.Count;
    }

    static bool SameSets(IReadOnlyList<IReadOnlyList<Neuron>> a, IReadOnlyList<IReadOnlyList<Neuron>> b) =>
        a.Select(c => string.Join(",", c.Order()))
            .Order()
            .SequenceEqual(b.Select(c => string.Join(",", c.Order())).Order());
}
