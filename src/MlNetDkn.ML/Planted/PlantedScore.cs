using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Facts;
using MlNetDkn.Metrics;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Planted;

/// <summary>
/// Scores every DKN stage of the pipeline against the planted truth: each group of DKN columns in the data (every
/// method, every column suffix) is one scored method. Adds the fact's planted kind; the tables hold detection
/// precision and recall and component matching per method.
/// </summary>
public sealed class PlantedScoreEstimator : FactStageEstimator<PlantedStageOptions, PlantedScoreTransformer>
{
    internal PlantedScoreEstimator(PlantedStageOptions options, IChannelProvider? context)
        : base(options, context) { }

    private protected override void CheckInputs(DataViewSchema schema)
    {
        foreach (var c in PlantedScoreTransformer.InputsOf())
            c.Check(schema);
        if (PlantedScoreTransformer.Methods(schema).Count == 0)
            throw new DknInputException(
                $"{PlantedScoreTransformer.Name}: no DKN columns to score "
                    + $"('{KnowledgeNeuronColumns.IsDkn}_<method>'): add a find-degenerate-neurons step before it"
            );
    }

    private protected override void CheckInputs(SchemaShape shape)
    {
        foreach (var c in PlantedScoreTransformer.InputsOf())
            c.Check(shape);
    }

    private protected override SchemaShape AddOutputs(SchemaShape input, ModelConfig config) =>
        SchemaShapes.WithAdded(input, PlantedScoreTransformer.Columns);

    private protected override PlantedScoreTransformer OpenTransformer(string? expectedHash) =>
        Open(Options, expectedHash, Context);

    internal static PlantedScoreTransformer Open(
        PlantedStageOptions options,
        string? expectedHash,
        IChannelProvider? context
    ) =>
        Open(options, PlantedScoreTransformer.Name, expectedHash, (model, hash) =>
            new PlantedScoreTransformer(
                options,
                model,
                hash,
                StageRuntime.For(context, PlantedScoreTransformer.Name, options.Progress, options.CancellationToken)
            )
        );
}

/// <summary>The fitted score-planted stage: adds the fact's planted kind (<c>planted_kind</c>) and writes the
/// per-method detection and component-matching tables.</summary>
public sealed class PlantedScoreTransformer : FactStageTransformer<PlantedScoreTransformer.Row>, IFactStage
{
    internal const string Name = "ScorePlanted",
        ArchiveKind = "score-planted";
    const string KindColumn = "planted_kind";

    /// <summary>One fact: its planted kind and what every scored method reported.</summary>
    public sealed record Row(string FactId, string Kind, IReadOnlyList<ReportedDkn> Reported);

    readonly PlantedTruth _truth;
    readonly Dictionary<string, PlantedFact> _facts;

    internal PlantedScoreTransformer(
        PlantedStageOptions options,
        Lease<ModelSession> model,
        string hash,
        StageRuntime runtime
    )
        : base(Name, $"truth {options.ResolvedTruth}", [model], runtime)
    {
        Options = options;
        ModelHash = hash;
        _truth = PlantedTruth.Load(options.ResolvedTruth);
        _facts = _truth.Facts.ToDictionary(f => f.FactId);
    }

    /// <summary>The options the stage was built with (model and truth file).</summary>
    public PlantedStageOptions Options { get; }

    /// <summary>Content hash (SHA-256) of the model files this stage was fitted (or loaded) with.</summary>
    public string ModelHash { get; }
    string IFactStage.Kind => ArchiveKind;
    FactStageOptions IFactStage.StageOptions => Options;

    internal static RequiredColumn[] InputsOf() => FactRowReader.Required(Name, FactColumns.Prompts);

    internal static IReadOnlyList<OutputColumn<Row>> Columns { get; } =
    [OutputColumns.Text<Row>(KindColumn, r => r.Kind)];

    private protected override IReadOnlyList<RequiredColumn> Inputs => InputsOf();
    private protected override IReadOnlyList<OutputColumn<Row>> Outputs => Columns;

    /// <summary>Every scored method in the schema: (label, is_dkn column, components column), e.g. ("ntc_authors",
    /// ...).</summary>
    internal static IReadOnlyList<(string Label, string IsDkn, string Components)> Methods(DataViewSchema schema)
    {
        // Per-method columns only (is_dkn_<method><suffix>): the unsuffixed primary-method copy would be scored twice.
        var methods = string.Join(
            "|",
            Enum.GetValues<MlNetDkn.Degeneracy.ClusteringMethod>().Select(KnowledgeNeuronColumns.MethodSuffix)
        );
        var pattern = new Regex($"^{KnowledgeNeuronColumns.IsDkn}_(?<label>({methods}).*)$");
        return schema
            .Where(c => !c.IsHidden && c.Type is BooleanDataViewType)
            .Select(c => pattern.Match(c.Name))
            .Where(m => m.Success)
            .Select(m => m.Groups["label"].Value)
            .Where(label => schema.GetColumnOrNull($"{KnowledgeNeuronColumns.DknComponents}_{label}") is not null)
            .Select(label =>
                (label, $"{KnowledgeNeuronColumns.IsDkn}_{label}", $"{KnowledgeNeuronColumns.DknComponents}_{label}")
            )
            .ToList();
    }

    private protected override IReadOnlyList<string> RequiredInputNames(DataViewSchema inputSchema) =>
        [
            .. base.RequiredInputNames(inputSchema),
            .. Methods(inputSchema).SelectMany(m => new[] { m.IsDkn, m.Components }),
        ];

    private protected override Func<Row> Bind(DataViewRow row)
    {
        var fact = FactRowReader.Bind(row, FactColumns.Prompts);
        var methods = Methods(row.Schema)
            .Select(m =>
            {
                var isDkn = row.GetGetter<bool>(row.Schema[m.IsDkn]);
                var components = RowText.Vector(row, m.Components);
                return (
                    m.Label,
                    Read: (Func<(bool, string[])>)(
                        () =>
                        {
                            bool v = false;
                            isDkn(ref v);
                            return (v, components());
                        }
                    )
                );
            })
            .ToList();
        return () =>
        {
            var f = fact();
            var reported = methods
                .Select(m =>
                {
                    var (isDkn, components) = m.Read();
                    return new ReportedDkn(
                        f.FactId,
                        m.Label,
                        isDkn,
                        components
                            .Select(c =>
                                (IReadOnlyList<Neuron>)
                                    c.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Neuron.Parse).ToArray()
                            )
                            .ToArray()
                    );
                })
                .ToList();
            var kind = _facts.TryGetValue(f.FactId, out var planted)
                ? planted.Kind.ToString().ToLowerInvariant()
                : throw new DknInputException(
                    $"{Name}: fact '{f.FactId}' is not in the planted truth {Options.ResolvedTruth}"
                );
            return Result(
                f.FactId
                    + "\u001d"
                    + string.Join(
                        "|",
                        reported.Select(r =>
                            $"{r.Method}:{r.IsDkn}:{string.Join(";", r.Components.SelectMany(c => c))}"
                        )
                    ),
                f.FactId,
                () => (new Row(f.FactId, kind, reported), false)
            );
        };
    }

    /// <summary>Writes the stage's tables for every fact of <paramref name="input"/> into <paramref name="folder"/>,
    /// computing whatever is not stored yet; returns the files, a manifest summary and console lines.</summary>
    public StageOutputs WriteTables(IDataView input, string folder, TableContext context)
    {
        var rows = Results(input);
        var scores = PlantedScoring.Score(_truth, rows.SelectMany(r => r.Reported));
        var metadata = StageTables.Provenance(
            this,
            context,
            new
            {
                Options.TruthPath,
                Options.IncludeNoise,
                Options.Seed,
                _truth.Options,
            }
        );
        var files = new List<string>();
        var (p, c) = MetricTableRecords.WriteRecords(scores, folder, "planted_scores", metadata);
        files.AddRange([p, c]);
        var perFact = rows.SelectMany(r =>
                r.Reported.Select(d => new
                {
                    d.FactId,
                    PlantedKind = r.Kind,
                    d.Method,
                    d.IsDkn,
                    PlantedComponents = _facts[d.FactId].Components.Count,
                    ReportedComponents = d.Components.Count,
                    MatchedComponents = d.IsDkn ? PlantedScoring.Match(_facts[d.FactId].Components, d.Components) : 0,
                    Verified = _facts[d.FactId].Verified,
                })
            )
            .ToList();
        var (p2, c2) = MetricTableRecords.WriteRecords(perFact, folder, "planted_facts", metadata);
        files.AddRange([p2, c2]);
        var lines = scores
            .Select(s =>
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"{s.Method}: precision {s.Precision:0.000}, recall {s.Recall:0.000} ({s.TruePositives} of "
                        + $"{s.DegenerateFacts} degenerate facts, {s.FalsePositives} false of "
                        + $"{s.OtherFacts}{LeftOut(s.UnverifiedFacts)}); "
                        + $"components recall {s.ComponentRecall:0.000}, precision {s.ComponentPrecision:0.000}, "
                        + $"Jaccard {s.ComponentJaccard:0.000}, exact {s.ExactMatches}"
                )
            )
            .ToList();
        return new StageOutputs(files, StageTables.Summary(new { Scores = scores }), lines);
    }

    static string LeftOut(int unverified) =>
        unverified > 0 ? $"; {unverified} facts left out: their planted truth did not hold on the built model" : "";
}
