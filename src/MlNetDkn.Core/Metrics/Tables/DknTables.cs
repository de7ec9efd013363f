using MlNetDkn.Degeneracy;
using MlNetDkn.Metrics.Plots;

namespace MlNetDkn.Metrics.Tables;

public sealed class DknFactRow
{
    public string FactId { get; init; } = "";
    public string RelationId { get; init; } = "";
    public string Method { get; init; } = "";
    public double BaselineProbability { get; init; }
    public int KnowledgeNeurons { get; init; }
    public int Candidates { get; init; }
    public int Components { get; init; }
    public bool IsDkn { get; init; }
    public double JointDrop { get; init; }
    public double ProperSubsetChange { get; init; }
    public double FullSetChange { get; init; }
    /// <summary>1 held, 0 failed, −1 not re-checked.</summary>
    public int RecheckHolds { get; init; }
    /// <summary>Pairs of knowledge neurons with a real structural connection (0: nothing to cluster).</summary>
    public int FiniteEdges { get; init; }
    public string? Rejection { get; init; }
    /// <summary>The DKN's components as JSON: an array of components, each an array of [layer, index] (empty: [])</summary>
    public string ComponentList { get; init; } = "[]";
    /// <summary>Knockout rounds that produced the candidates (0 when the candidates were the knowledge neurons).</summary>
    public int KnockoutRounds { get; init; }
    /// <summary>Why knockout stopped (empty when not used).</summary>
    public string KnockoutStop { get; init; } = "";
    /// <summary>Smallest relative drop over the prompts after each knockout round, as a JSON array.</summary>
    public string KnockoutDrops { get; init; } = "[]";
}

public sealed class DknSummaryRow
{
    /// <summary>Which DKN stage (its folder and definition) the row comes from, in the run-level acquisition table.</summary>
    public string Definition { get; init; } = "";
    public string Method { get; init; } = "";
    public int Facts { get; init; }
    public int FactsWithDkn { get; init; }
    public double ShareWithDkn { get; init; }
    public int SingleComponentSets { get; init; }
    public double MeanComponents { get; init; }
    public double ProperSubsetChange { get; init; }
    public double ProperSubsetChangeCiLow { get; init; }
    public double ProperSubsetChangeCiHigh { get; init; }
    public double FullSetChange { get; init; }
    public double FullSetChangeCiLow { get; init; }
    public double FullSetChangeCiHigh { get; init; }
    public int Rechecked { get; init; }
    public int RecheckHolds { get; init; }
    /// <summary>Candidate clusters per fact before the check, every fact.</summary>
    public double MeanCandidates { get; init; }
    /// <summary>Drop with every candidate suppressed, DKN or not (facts where measured), with its 95 % interval.</summary>
    public double JointDrop { get; init; }
    public double JointDropCiLow { get; init; }
    public double JointDropCiHigh { get; init; }
    /// <summary>The worst proper-subset drop under the strict check, DKN or not (facts where measured).</summary>
    public double WorstProperSubsetDrop { get; init; }
    public int WorstProperSubsetDropFacts { get; init; }
    /// <summary>Facts per rejection kind, "kind=count; ...".</summary>
    public string Rejections { get; init; } = "";
    public double NeuronsPerComponent { get; init; }
    public double LayersPerDkn { get; init; }
}

/// <summary>One method's DKNs within one relation: how many facts have one, their shape, and how knockout ended.</summary>
public sealed class DknRelationRow
{
    public string Method { get; init; } = "";
    public string RelationId { get; init; } = "";
    public int Facts { get; init; }
    public int FactsWithDkn { get; init; }
    /// <summary>Mean over the relation's DKNs (NaN when none): components, neurons, layers spanned.</summary>
    public double ComponentsPerDkn { get; init; }
    public double NeuronsPerDkn { get; init; }
    public double LayersPerDkn { get; init; }
    /// <summary>Knockout (0 and NaN when the candidates were the knowledge neurons): mean rounds over the relation's
    /// facts, facts whose answer was lost (drop ≥ the lost-drop on every prompt), and the mean smallest drop after the
    /// last round.</summary>
    public double KnockoutRounds { get; init; }
    public int AnswerLost { get; init; }
    public double DropAfterKnockout { get; init; }
}

public sealed class DegeneracyBySizeRow
{
    public string Definition { get; init; } = "";
    public string Method { get; init; } = "";
    public int Components { get; init; }
    public int Facts { get; init; }
    public double ProperSubsetChange { get; init; }
    public double ProperSubsetChangeCiLow { get; init; }
    public double ProperSubsetChangeCiHigh { get; init; }
    public double FullSetChange { get; init; }
    public double FullSetChangeCiLow { get; init; }
    public double FullSetChangeCiHigh { get; init; }
}

/// <summary>The tables and plots of DKN acquisition over a run's facts (snake_case columns, Parquet + CSV).</summary>
public static class DknTables
{
    public const string RelationTable = "dkn_by_relation";
    public const string FactsTable = "dkn_facts", SummaryTable = "dkn_summary", CurveTable = "degeneracy_curve", BySizeTable = "degeneracy_by_size",
        AcquisitionTable = "acquisition_table", AcquisitionBySizeTable = "acquisition_by_size";

    /// <param name="definition">The stage's folder and rule, written in the summary's definition column as in the run's
    /// acquisition table.</param>
    public static IReadOnlyList<string> Write(IReadOnlyList<DknRecord> records, string folder, IReadOnlyDictionary<string, string>? metadata = null,
        string definition = "")
    {
        var metrics = DknMetrics.Compute(records.SelectMany(DknOutcome.From));
        var written = new List<string>();
        void Add((string Parquet, string Csv) p) => written.AddRange([p.Parquet, p.Csv]);
        Add(MetricTableRecords.WriteRecords(FactRows(records), folder, FactsTable, metadata));
        Add(MetricTableRecords.WriteRecords(SummaryRows(metrics, definition), folder, SummaryTable, metadata));
        Add(MetricTableRecords.WriteRecords(metrics.Curve, folder, CurveTable, metadata));
        Add(MetricTableRecords.WriteRecords(BySizeRows(metrics, definition), folder, BySizeTable, metadata));
        Add(MetricTableRecords.WriteRecords(RelationRows(records), folder, RelationTable, metadata));
        written.AddRange(DegeneracyCurvePlot.SavePerMethod(metrics.Curve, metrics.Methods.Select(m => m.Method), folder));
        return written;
    }

    public static List<DknFactRow> FactRows(IEnumerable<DknRecord> records) => records.SelectMany(r => r.Methods.Select(m => new DknFactRow
    {
        FactId = r.FactId, RelationId = r.RelationId, Method = m.Method, BaselineProbability = r.BaselineProbability,
        KnowledgeNeurons = r.KnowledgeNeurons.Length, Candidates = m.Candidates.Length, Components = m.Components.Length,
        IsDkn = m.IsDkn, JointDrop = m.JointDrop ?? double.NaN,
        ProperSubsetChange = m.Subsets.Length > 0 ? m.Subsets.Average(s => -s.RelativeDrop) : double.NaN,
        FullSetChange = m.FullSetDrop is double f ? -f : double.NaN,
        RecheckHolds = m.Recheck is null ? -1 : m.Recheck.Holds ? 1 : 0,
        FiniteEdges = r.FiniteEdges, Rejection = m.Rejection,
        ComponentList = ComponentText(m.Components),
        KnockoutRounds = r.Knockout?.Rounds.Length ?? 0, KnockoutStop = r.Knockout?.StopReason ?? "",
        KnockoutDrops = "[" + string.Join(",", (r.Knockout?.Rounds ?? []).Select(k => k.MinDropAfter.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]",
    })).ToList();

    public static List<DknRelationRow> RelationRows(IEnumerable<DknRecord> records) => records
        .SelectMany(r => r.Methods.Select(m => (Record: r, Method: m)))
        .GroupBy(x => (x.Method.Method, x.Record.RelationId)).OrderBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.RelationId, StringComparer.Ordinal)
        .Select(g =>
        {
            var dkns = g.Where(x => x.Method.IsDkn).Select(x => x.Method.Components).ToList();
            double Mean(IEnumerable<double> v) { var a = v.ToArray(); return a.Length == 0 ? double.NaN : a.Average(); }
            var knockouts = g.Select(x => x.Record.Knockout).Where(k => k is not null).ToList();
            return new DknRelationRow
            {
                Method = g.Key.Method, RelationId = g.Key.RelationId, Facts = g.Count(), FactsWithDkn = dkns.Count,
                ComponentsPerDkn = Mean(dkns.Select(c => (double)c.Length)), NeuronsPerDkn = Mean(dkns.Select(c => (double)c.Sum(x => x.Length))),
                LayersPerDkn = Mean(dkns.Select(c => (double)c.SelectMany(x => x).Select(n => n.Layer).Distinct().Count())),
                KnockoutRounds = knockouts.Count == 0 ? 0 : knockouts.Average(k => k!.Rounds.Length),
                AnswerLost = knockouts.Count(k => k!.StopReason == Degeneracy.Acquisition.KnockoutStops.AnswerLost),
                DropAfterKnockout = Mean(knockouts.Where(k => k!.Rounds.Length > 0).Select(k => k!.Rounds[^1].MinDropAfter)),
            };
        }).ToList();

    public static List<DknSummaryRow> SummaryRows(DknMetrics metrics, string definition = "") => metrics.Methods.Select(m => new DknSummaryRow
    {
        Definition = definition, Method = m.Method, Facts = m.Facts, FactsWithDkn = m.FactsWithDkn, ShareWithDkn = m.ShareWithDkn,
        SingleComponentSets = m.SingleComponentSets, MeanComponents = m.ComponentsPerDkn.Mean,
        ProperSubsetChange = m.ProperSubsetChange.Mean, ProperSubsetChangeCiLow = m.ProperSubsetChange.CiLow, ProperSubsetChangeCiHigh = m.ProperSubsetChange.CiHigh,
        FullSetChange = m.FullSetChange.Mean, FullSetChangeCiLow = m.FullSetChange.CiLow, FullSetChangeCiHigh = m.FullSetChange.CiHigh,
        Rechecked = m.Rechecked, RecheckHolds = m.RecheckHolds, MeanCandidates = m.CandidatesPerFact.Mean,
        JointDrop = m.JointDrop.Mean, JointDropCiLow = m.JointDrop.CiLow, JointDropCiHigh = m.JointDrop.CiHigh,
        WorstProperSubsetDrop = m.WorstProperSubsetDrop.Mean, WorstProperSubsetDropFacts = m.WorstProperSubsetDrop.Count,
        Rejections = string.Join("; ", m.Rejections.Select(r => $"{r.Key}={r.Value}")),
        NeuronsPerComponent = m.NeuronsPerComponent.Mean, LayersPerDkn = m.LayersPerDkn.Mean,
    }).ToList();

    public static List<DegeneracyBySizeRow> BySizeRows(DknMetrics metrics, string definition) => metrics.BySize.Select(b => new DegeneracyBySizeRow
    {
        Definition = definition, Method = b.Method, Components = b.Components, Facts = b.Facts,
        ProperSubsetChange = b.ProperSubsetChange.Mean, ProperSubsetChangeCiLow = b.ProperSubsetChange.CiLow, ProperSubsetChangeCiHigh = b.ProperSubsetChange.CiHigh,
        FullSetChange = b.FullSetChange.Mean, FullSetChangeCiLow = b.FullSetChange.CiLow, FullSetChangeCiHigh = b.FullSetChange.CiHigh,
    }).ToList();

    /// <summary>
    /// The run's acquisition table: every DKN stage's methods side by side on the same facts (definition = the
    /// stage's folder and rule), and the same per DKN size n.
    /// </summary>
    public static IReadOnlyList<string> WriteAcquisition(IReadOnlyList<(string Definition, DknMetrics Metrics)> stages, string folder,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var written = new List<string>();
        var (p, c) = MetricTableRecords.WriteRecords(stages.SelectMany(s => SummaryRows(s.Metrics, s.Definition)).ToList(), folder, AcquisitionTable, metadata);
        var (p2, c2) = MetricTableRecords.WriteRecords(stages.SelectMany(s => BySizeRows(s.Metrics, s.Definition)).ToList(), folder, AcquisitionBySizeTable, metadata);
        written.AddRange([p, c, p2, c2]);
        return written;
    }

    /// <summary>Components as "l:i;l:i | l:i;l:i".</summary>
    /// <summary>Components as a JSON array of components, each an array of [layer, index] pairs: [[[0,3],[1,7]],[[0,5]]].</summary>
    public static string ComponentText(IEnumerable<IEnumerable<Neuron>> components) =>
        "[" + string.Join(",", components.Select(c => "[" + string.Join(",", c.Select(n => $"[{n.Layer},{n.Index}]")) + "]")) + "]";

    /// <summary>Reads <see cref="ComponentText"/> back.</summary>
    public static Neuron[][] ParseComponents(string json)
    {
        try
        {
            var pairs = System.Text.Json.JsonSerializer.Deserialize<int[][][]>(json) ?? [];
            return pairs.Select(c => c.Select(p => p.Length == 2 ? new Neuron(p[0], p[1]) : throw new FormatException("a neuron is [layer, index]")).ToArray()).ToArray();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new DknInputException($"component list '{json}' is not a JSON array of components of [layer, index] pairs ({e.Message})");
        }
    }
}
