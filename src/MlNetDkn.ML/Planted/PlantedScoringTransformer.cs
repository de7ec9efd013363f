using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Facts;
using MlNetDkn.ML.Internal;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Planted;

/// <summary>The fitted score-planted stage: adds the fact's planted kind (<c>planted_kind</c>) and writes the
/// per-method detection and component-matching tables.</summary>
public sealed class PlantedScoringTransformer : FactStageTransformer<PlantedScoringTransformer.Row>, IFactStage
{
    internal const string Name = "ScorePlanted",
        ArchiveKind = "score-planted";
    const string KindColumn = "planted_kind";

    /// <summary>One fact: its planted kind and what every scored method reported.</summary>
    public sealed record Row(string FactId, string Kind, IReadOnlyList<ReportedDkn> Reported);

    readonly PlantedTruth _truth;
    readonly Dictionary<string, PlantedFact> _facts;

    internal PlantedScoringTransformer(
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

    /// <summary>Every scored method in the schema: its label (method and column suffix, e.g. "ntc_authors"), and the
    /// columns it is read from: the DKN stage's typed record when the schema has it, else the text columns.</summary>
    internal static IReadOnlyList<(string Label, ClusteringMethod Method, string[] Columns)> Methods(
        DataViewSchema schema
    )
    {
        // Per-method columns only (is_dkn_<method><suffix>): the unsuffixed primary-method copy would be scored twice.
        var methods = Enum.GetValues<ClusteringMethod>().ToDictionary(KnowledgeNeuronColumns.MethodSuffix);
        var pattern = new Regex(
            $"^{KnowledgeNeuronColumns.IsDkn}_(?<method>{string.Join("|", methods.Keys)})(?<suffix>.*)$"
        );
        return schema
            .Where(c => !c.IsHidden && c.Type is BooleanDataViewType)
            .Select(c => pattern.Match(c.Name))
            .Where(m => m.Success)
            .Select(m => (Method: methods[m.Groups["method"].Value], Suffix: m.Groups["suffix"].Value))
            .Select(m =>
                (
                    Label: KnowledgeNeuronColumns.MethodSuffix(m.Method) + m.Suffix,
                    m.Method,
                    Columns: DknReader.Columns(schema, Name, m.Method, m.Suffix)
                )
            )
            .Where(m => m.Columns is not null)
            .Select(m => (m.Label, m.Method, m.Columns!))
            .ToList();
    }

    private protected override IReadOnlyList<string> RequiredInputNames(DataViewSchema inputSchema) =>
        [.. base.RequiredInputNames(inputSchema), .. Methods(inputSchema).SelectMany(m => m.Columns).Distinct()];

    private protected override Func<Row> Bind(DataViewRow row)
    {
        var fact = FactRowReader.Bind(row, FactColumns.Prompts);
        var methods = Methods(row.Schema)
            .Select(m => (m.Label, Read: DknReader.BindMethod(row, m.Method, m.Columns)))
            .ToList();
        return () =>
        {
            var f = fact();
            var reported = methods
                .Select(m =>
                {
                    var (isDkn, components) = m.Read();
                    return new ReportedDkn(f.FactId, m.Label, isDkn, components);
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
        var reported = Results(input).SelectMany(r => r.Reported).ToList();
        var (files, numbers, lines) = PlantedStageOutput.Write(_truth, reported, folder, metadata);
        return new StageOutputs(files, StageTables.Summary(numbers), lines);
    }
}
