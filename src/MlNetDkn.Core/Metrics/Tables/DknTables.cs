using MlNetDkn.Degeneracy;
using MlNetDkn.Metrics.Plots;

namespace MlNetDkn.Metrics.Tables;

/// <summary>One row of the dkn_facts table: one fact under one clustering method, with what the functional check
/// found.</summary>
public sealed class DknFactRow
{
    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public string FactId { get; init; } = "";

    /// <summary>The relation the fact belongs to (the dataset's relation id).</summary>
    public string RelationId { get; init; } = "";

    /// <summary>The clustering method that proposed the candidates, as its enum name.</summary>
    public string Method { get; init; } = "";

    /// <summary>P0: the answer's probability on the fact's first prompt with nothing suppressed.</summary>
    public double BaselineProbability { get; init; }

    /// <summary>How many knowledge neurons the fact has.</summary>
    public int KnowledgeNeurons { get; init; }

    /// <summary>How many candidate clusters the method proposed before the check.</summary>
    public int Candidates { get; init; }

    /// <summary>How many components the accepted DKN has (0 when rejected).</summary>
    public int Components { get; init; }

    /// <summary>Whether the candidates passed the functional check as a DKN.</summary>
    public bool IsDkn { get; init; }

    /// <summary>Drop with the strict check's components suppressed together, aggregated over the checked prompts in
    /// the check's measure ((P0 − P)/P0 by default); NaN when not probed (lenient rule, or too few
    /// components).</summary>
    public double JointDrop { get; init; }

    /// <summary>Mean relative change (P − P0)/P0 on the first prompt over the evaluated proper subsets of the
    /// components (negative: P fell); NaN when none were evaluated.</summary>
    public double ProperSubsetChange { get; init; }

    /// <summary>Relative change (P − P0)/P0 on the first prompt with the whole DKN suppressed (negative: P fell);
    /// NaN when not evaluated.</summary>
    public double FullSetChange { get; init; }

    /// <summary>1 held, 0 failed, −1 not re-checked.</summary>
    public int RecheckHolds { get; init; }

    /// <summary>Pairs of knowledge neurons with a real structural connection (0: nothing to cluster).</summary>
    public int FiniteEdges { get; init; }

    /// <summary>Why the candidates are not a DKN, in the check's words; null when they are.</summary>
    public string? Rejection { get; init; }

    /// <summary>The DKN's components as JSON: an array of components, each an array of [layer, index] (empty:
    /// [])</summary>
    public string ComponentList { get; init; } = "[]";

    /// <summary>Knockout rounds that produced the candidates (0 when the candidates were the knowledge
    /// neurons).</summary>
    public int KnockoutRounds { get; init; }

    /// <summary>Why knockout stopped (empty when not used).</summary>
    public string KnockoutStop { get; init; } = "";

    /// <summary>Smallest relative drop over the prompts after each knockout round, as a JSON array.</summary>
    public string KnockoutDrops { get; init; } = "[]";
}

/// <summary>One row of the dkn_summary (and run-level acquisition) table: one clustering method over every fact of a
/// stage.</summary>
public sealed class DknSummaryRow
{
    /// <summary>Which DKN stage (its folder and definition) the row comes from, in the run-level acquisition
    /// table.</summary>
    public string Definition { get; init; } = "";

    /// <summary>The clustering method, as its enum name.</summary>
    public string Method { get; init; } = "";

    /// <summary>Facts the method was run on.</summary>
    public int Facts { get; init; }

    /// <summary>Facts whose DKN has at least two components.</summary>
    public int FactsWithDkn { get; init; }

    /// <see cref="FactsWithDkn"/> / <see cref="Facts"/>, in [0, 1]; NaN when there are no facts.
    public double ShareWithDkn { get; init; }

    /// <summary>Facts whose accepted set has a single component (lenient rule only), which is not a DKN.</summary>
    public int SingleComponentSets { get; init; }

    /// <summary>Mean components per DKN, over the facts with one.</summary>
    public double MeanComponents { get; init; }

    /// <summary>Mean relative change (P − P0)/P0 with a proper subset of the DKN suppressed (per fact over its subsets,
    /// then over facts); negative means P fell.</summary>
    public double ProperSubsetChange { get; init; }

    /// <summary>Lower bound of the 95 % t interval of <see cref="ProperSubsetChange"/> over facts (NaN below two
    /// facts).</summary>
    public double ProperSubsetChangeCiLow { get; init; }

    /// <summary>Upper bound of the 95 % t interval of <see cref="ProperSubsetChange"/> over facts (NaN below two
    /// facts).</summary>
    public double ProperSubsetChangeCiHigh { get; init; }

    /// <summary>Mean relative change (P − P0)/P0 with the whole DKN suppressed, over facts; negative means P
    /// fell.</summary>
    public double FullSetChange { get; init; }

    /// <summary>Lower bound of the 95 % t interval of <see cref="FullSetChange"/> over facts.</summary>
    public double FullSetChangeCiLow { get; init; }

    /// <summary>Upper bound of the 95 % t interval of <see cref="FullSetChange"/> over facts.</summary>
    public double FullSetChangeCiHigh { get; init; }

    /// <summary>DKNs re-checked by full recomputation.</summary>
    public int Rechecked { get; init; }

    /// <summary>Of the <see cref="Rechecked"/> DKNs, those that held under the re-check.</summary>
    public int RecheckHolds { get; init; }

    /// <summary>Candidate clusters per fact before the check, every fact.</summary>
    public double MeanCandidates { get; init; }

    /// <summary>Drop with the strict check's components suppressed together, DKN or not (facts where measured),
    /// with its 95 % interval.</summary>
    public double JointDrop { get; init; }

    /// <summary>Lower bound of the 95 % t interval of <see cref="JointDrop"/>.</summary>
    public double JointDropCiLow { get; init; }

    /// <summary>Upper bound of the 95 % t interval of <see cref="JointDrop"/>.</summary>
    public double JointDropCiHigh { get; init; }

    /// <summary>The worst proper-subset drop under the strict check, DKN or not (facts where measured).</summary>
    public double WorstProperSubsetDrop { get; init; }

    /// <summary>Facts behind <see cref="WorstProperSubsetDrop"/> (those where the strict check measured it).</summary>
    public int WorstProperSubsetDropFacts { get; init; }

    /// <summary>Facts per rejection kind, "kind=count; ...".</summary>
    public string Rejections { get; init; } = "";

    /// <summary>Mean over the DKNs of their mean neurons per component.</summary>
    public double NeuronsPerComponent { get; init; }

    /// <summary>Mean number of distinct layers a DKN's neurons lie in, over the DKNs.</summary>
    public double LayersPerDkn { get; init; }
}

/// <summary>One method's DKNs within one relation: how many facts have one, their shape, and how knockout
/// ended.</summary>
public sealed class DknRelationRow
{
    /// <summary>The clustering method, as its enum name.</summary>
    public string Method { get; init; } = "";

    /// <summary>The relation's id.</summary>
    public string RelationId { get; init; } = "";

    /// <summary>Facts of the relation the method was run on.</summary>
    public int Facts { get; init; }

    /// <summary>Of those, facts with a DKN.</summary>
    public int FactsWithDkn { get; init; }

    /// <summary>Mean over the relation's DKNs (NaN when none): components, neurons, layers spanned.</summary>
    public double ComponentsPerDkn { get; init; }

    /// <summary>Mean neurons per DKN (all components together); NaN when the relation has none.</summary>
    public double NeuronsPerDkn { get; init; }

    /// <summary>Mean distinct layers spanned per DKN; NaN when the relation has none.</summary>
    public double LayersPerDkn { get; init; }

    /// <summary>Knockout (0 and NaN when the candidates were the knowledge neurons): mean rounds over the relation's
    /// facts, facts whose answer was lost (drop ≥ the lost-drop on every prompt), and the mean smallest drop after the
    /// last round.</summary>
    public double KnockoutRounds { get; init; }

    /// <summary>Facts whose knockout stopped because the answer was lost.</summary>
    public int AnswerLost { get; init; }

    /// <summary>Mean, over facts with at least one knockout round, of the smallest drop over the prompts after the last
    /// round.</summary>
    public double DropAfterKnockout { get; init; }
}

/// <summary>One row of the degeneracy_by_size table: one method's DKNs with a given number of components.</summary>
public sealed class DegeneracyBySizeRow
{
    /// <summary>Which DKN stage (its folder and definition) the row comes from, as in <see
    /// cref="DknSummaryRow.Definition"/>.</summary>
    public string Definition { get; init; } = "";

    /// <summary>The clustering method, as its enum name.</summary>
    public string Method { get; init; } = "";

    /// <summary>The DKN size n: components per DKN.</summary>
    public int Components { get; init; }

    /// <summary>Facts whose DKN has <see cref="Components"/> components.</summary>
    public int Facts { get; init; }

    /// <summary>Mean relative change (P − P0)/P0 with a proper subset suppressed (per fact over its subsets, then over
    /// facts).</summary>
    public double ProperSubsetChange { get; init; }

    /// <summary>Lower bound of the 95 % t interval of <see cref="ProperSubsetChange"/> over facts.</summary>
    public double ProperSubsetChangeCiLow { get; init; }

    /// <summary>Upper bound of the 95 % t interval of <see cref="ProperSubsetChange"/> over facts.</summary>
    public double ProperSubsetChangeCiHigh { get; init; }

    /// <summary>Mean relative change (P − P0)/P0 with the whole DKN suppressed, over facts.</summary>
    public double FullSetChange { get; init; }

    /// <summary>Lower bound of the 95 % t interval of <see cref="FullSetChange"/> over facts.</summary>
    public double FullSetChangeCiLow { get; init; }

    /// <summary>Upper bound of the 95 % t interval of <see cref="FullSetChange"/> over facts.</summary>
    public double FullSetChangeCiHigh { get; init; }
}

/// <summary>The tables and plots of DKN acquisition over a run's facts (snake_case columns, Parquet + CSV).</summary>
public static class DknTables
{
    /// <summary>Table name of the per-relation rows (<see cref="DknRelationRow"/>).</summary>
    public const string RelationTable = "dkn_by_relation";

    /// <summary>Table names: per-fact rows, per-method summary, degeneracy curve, by-size rows, and the run-level
    /// acquisition tables.</summary>
    public const string FactsTable = "dkn_facts",
        SummaryTable = "dkn_summary",
        CurveTable = "degeneracy_curve",
        BySizeTable = "degeneracy_by_size",
        AcquisitionTable = "acquisition_table",
        AcquisitionBySizeTable = "acquisition_by_size";

    /// <param name="definition">The stage's folder and rule, written in the summary's definition column as in the run's
    /// acquisition table.</param>
    /// <summary>Writes the stage's DKN tables (facts, summary, curve, by size, by relation) and the per-method
    /// degeneracy curve plots into <paramref name="folder"/>.</summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(
        IReadOnlyList<DknRecord> records,
        string folder,
        IReadOnlyDictionary<string, string>? metadata = null,
        string definition = ""
    )
    {
        var metrics = DknMetrics.Compute(records.SelectMany(DknOutcome.From));
        var written = new List<string>();
        void Add((string Parquet, string Csv) p) => written.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(FactRows(records), folder, FactsTable, metadata));
        Add(MetricTableRecords.WriteRecords(SummaryRows(metrics, definition), folder, SummaryTable, metadata));
        Add(MetricTableRecords.WriteRecords(metrics.Curve, folder, CurveTable, metadata));
        Add(MetricTableRecords.WriteRecords(BySizeRows(metrics, definition), folder, BySizeTable, metadata));
        Add(MetricTableRecords.WriteRecords(RelationRows(records), folder, RelationTable, metadata));
        written.AddRange(
            DegeneracyCurvePlot.SavePerMethod(metrics.Curve, metrics.Methods.Select(m => m.Method), folder)
        );
        return written;
    }

    /// <summary>One row per (fact, method) of the records.</summary>
    public static List<DknFactRow> FactRows(IEnumerable<DknRecord> records) =>
        records
            .SelectMany(r =>
                r.Methods.Select(m => new DknFactRow
                {
                    FactId = r.FactId,
                    RelationId = r.RelationId,
                    Method = m.Method,
                    BaselineProbability = r.BaselineProbability,
                    KnowledgeNeurons = r.KnowledgeNeurons.Length,
                    Candidates = m.Candidates.Length,
                    Components = m.Components.Length,
                    IsDkn = m.IsDkn,
                    JointDrop = m.JointDrop ?? double.NaN,
                    ProperSubsetChange = m.Subsets.Length > 0 ? m.Subsets.Average(s => -s.RelativeDrop) : double.NaN,
                    FullSetChange = m.FullSetDrop is double f ? -f : double.NaN,
                    RecheckHolds =
                        m.Recheck is null ? -1
                        : m.Recheck.Holds ? 1
                        : 0,
                    FiniteEdges = r.FiniteEdges,
                    Rejection = m.Rejection,
                    ComponentList = ComponentText(m.Components),
                    KnockoutRounds = r.Knockout?.Rounds.Length ?? 0,
                    KnockoutStop = r.Knockout?.StopReason ?? "",
                    KnockoutDrops =
                        "["
                        + string.Join(
                            ",",
                            (r.Knockout?.Rounds ?? []).Select(k =>
                                k.MinDropAfter.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                            )
                        )
                        + "]",
                })
            )
            .ToList();

    /// <summary>One row per (method, relation), ordered ordinally by method then relation.</summary>
    public static List<DknRelationRow> RelationRows(IEnumerable<DknRecord> records) =>
        records
            .SelectMany(r => r.Methods.Select(m => (Record: r, Method: m)))
            .GroupBy(x => (x.Method.Method, x.Record.RelationId))
            .OrderBy(g => g.Key.Method, StringComparer.Ordinal)
            .ThenBy(g => g.Key.RelationId, StringComparer.Ordinal)
            .Select(g =>
            {
                var dkns = g.Where(x => x.Method.IsDkn).Select(x => x.Method.Components).ToList();
                double Mean(IEnumerable<double> v)
                {
                    var a = v.ToArray();
                    return a.Length == 0 ? double.NaN : a.Average();
                }
                var knockouts = g.Select(x => x.Record.Knockout).Where(k => k is not null).ToList();
                return new DknRelationRow
                {
                    Method = g.Key.Method,
                    RelationId = g.Key.RelationId,
                    Facts = g.Count(),
                    FactsWithDkn = dkns.Count,
                    ComponentsPerDkn = Mean(dkns.Select(c => (double)c.Length)),
                    NeuronsPerDkn = Mean(dkns.Select(c => (double)c.Sum(x => x.Length))),
                    LayersPerDkn = Mean(
                        dkns.Select(c => (double)c.SelectMany(x => x).Select(n => n.Layer).Distinct().Count())
                    ),
                    KnockoutRounds = knockouts.Count == 0 ? 0 : knockouts.Average(k => k!.Rounds.Length),
                    AnswerLost = knockouts.Count(k => k!.StopReason == Degeneracy.Acquisition.KnockoutStops.AnswerLost),
                    DropAfterKnockout = Mean(
                        knockouts.Where(k => k!.Rounds.Length > 0).Select(k => k!.Rounds[^1].MinDropAfter)
                    ),
                };
            })
            .ToList();

    /// <summary>One row per method of the metrics, with <paramref name="definition"/> in each row's definition
    /// column.</summary>
    public static List<DknSummaryRow> SummaryRows(DknMetrics metrics, string definition = "") =>
        metrics
            .Methods.Select(m => new DknSummaryRow
            {
                Definition = definition,
                Method = m.Method,
                Facts = m.Facts,
                FactsWithDkn = m.FactsWithDkn,
                ShareWithDkn = m.ShareWithDkn,
                SingleComponentSets = m.SingleComponentSets,
                MeanComponents = m.ComponentsPerDkn.Mean,
                ProperSubsetChange = m.ProperSubsetChange.Mean,
                ProperSubsetChangeCiLow = m.ProperSubsetChange.CiLow,
                ProperSubsetChangeCiHigh = m.ProperSubsetChange.CiHigh,
                FullSetChange = m.FullSetChange.Mean,
                FullSetChangeCiLow = m.FullSetChange.CiLow,
                FullSetChangeCiHigh = m.FullSetChange.CiHigh,
                Rechecked = m.Rechecked,
                RecheckHolds = m.RecheckHolds,
                MeanCandidates = m.CandidatesPerFact.Mean,
                JointDrop = m.JointDrop.Mean,
                JointDropCiLow = m.JointDrop.CiLow,
                JointDropCiHigh = m.JointDrop.CiHigh,
                WorstProperSubsetDrop = m.WorstProperSubsetDrop.Mean,
                WorstProperSubsetDropFacts = m.WorstProperSubsetDrop.Count,
                Rejections = string.Join("; ", m.Rejections.Select(r => $"{r.Key}={r.Value}")),
                NeuronsPerComponent = m.NeuronsPerComponent.Mean,
                LayersPerDkn = m.LayersPerDkn.Mean,
            })
            .ToList();

    /// <summary>One row per (method, DKN size) of the metrics, with <paramref name="definition"/> in each row's
    /// definition column.</summary>
    public static List<DegeneracyBySizeRow> BySizeRows(DknMetrics metrics, string definition) =>
        metrics
            .BySize.Select(b => new DegeneracyBySizeRow
            {
                Definition = definition,
                Method = b.Method,
                Components = b.Components,
                Facts = b.Facts,
                ProperSubsetChange = b.ProperSubsetChange.Mean,
                ProperSubsetChangeCiLow = b.ProperSubsetChange.CiLow,
                ProperSubsetChangeCiHigh = b.ProperSubsetChange.CiHigh,
                FullSetChange = b.FullSetChange.Mean,
                FullSetChangeCiLow = b.FullSetChange.CiLow,
                FullSetChangeCiHigh = b.FullSetChange.CiHigh,
            })
            .ToList();

    /// <summary>
    /// The run's acquisition table: every DKN stage's methods side by side on the same facts (definition = the
    /// stage's folder and rule), and the same per DKN size n.
    /// </summary>
    public static IReadOnlyList<string> WriteAcquisition(
        IReadOnlyList<(string Definition, DknMetrics Metrics)> stages,
        string folder,
        IReadOnlyDictionary<string, string>? metadata = null
    )
    {
        var written = new List<string>();
        var (p, c) = MetricTableRecords.WriteRecords(
            stages.SelectMany(s => SummaryRows(s.Metrics, s.Definition)).ToList(),
            folder,
            AcquisitionTable,
            metadata
        );
        var (p2, c2) = MetricTableRecords.WriteRecords(
            stages.SelectMany(s => BySizeRows(s.Metrics, s.Definition)).ToList(),
            folder,
            AcquisitionBySizeTable,
            metadata
        );
        written.AddRange([p, c, p2, c2]);
        return written;
    }

    /// <summary>Components as a JSON array of components, each an array of [layer, index] pairs:
    /// [[[0,3],[1,7]],[[0,5]]].</summary>
    public static string ComponentText(IEnumerable<IEnumerable<Neuron>> components) =>
        "["
        + string.Join(
            ",",
            components.Select(c => "[" + string.Join(",", c.Select(n => $"[{n.Layer},{n.Index}]")) + "]")
        )
        + "]";

    /// <summary>Reads <see cref="ComponentText"/> back.</summary>
    public static Neuron[][] ParseComponents(string json)
    {
        try
        {
            var pairs = System.Text.Json.JsonSerializer.Deserialize<int[][][]>(json) ?? [];
            return pairs
                .Select(c =>
                    c.Select(p =>
                            p.Length == 2
                                ? new Neuron(p[0], p[1])
                                : throw new FormatException("a neuron is [layer, index]")
                        )
                        .ToArray()
                )
                .ToArray();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new DknInputException(
                $"component list '{json}' is not a JSON array of components of [layer, index] pairs ({e.Message})"
            );
        }
    }
}
