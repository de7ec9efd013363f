using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>Everything the DKN stage does with one fact's knowledge neurons.</summary>
public sealed record DknStageOptions
{
    /// <summary>The DKN acquisition proper: graph, clustering methods, functional check and degeneracy curve.</summary>
    public DknOptions Dkn { get; init; } = DknOptions.Recommended;

    /// <summary>Where the neurons that are grouped into components come from.</summary>
    public CandidateSource Candidates { get; init; } = CandidateSource.Knockout;

    /// <summary>Options of <see cref="CandidateSource.Knockout"/>.</summary>
    public KnockoutOptions Knockout { get; init; } = KnockoutOptions.Default;

    /// <summary>The one source of these options' defaults.</summary>
    public static class Defaults
    {
        /// <summary>Knowledge neurons per fact entering the graph (the authors' code has no cap).</summary>
        public const int MaxNeurons = 64;
    }

    /// <summary>At most this many knowledge neurons (highest-ranked first) enter the graph of a fact (0 = all; the
    /// authors' code has no cap).</summary>
    public int MaxNeurons { get; init; } = Defaults.MaxNeurons;

    /// <summary>Re-check every DKN found with full recomputation (<see cref="FullRecomputationProbe"/>).</summary>
    public bool Recheck { get; init; } = true;

    /// <summary>How the answer becomes the target tokens whose probability the check measures.</summary>
    public AnswerEncoding Answer { get; init; } = AnswerEncoding.Natural;

    /// <summary>The recommended acquisition, chosen on the planted benchmark: candidates by iterative knockout with
    /// gated joint integrated gradients, components from function, the strict check.</summary>
    public static DknStageOptions Default { get; } = new();

    /// <summary>The strict definition on the attribution stage's knowledge neurons, grouped by the connection graph
    /// (NTC) and the clustering baselines.</summary>
    public static DknStageOptions Graph { get; } =
        new() { Dkn = DknOptions.Default, Candidates = CandidateSource.KnowledgeNeurons };

    /// <summary>The authors' pipeline: their DKN options, no knowledge-neuron cap, their target tokens.</summary>
    public static DknStageOptions DknAuthors { get; } =
        new()
        {
            Dkn = DknOptions.DknAuthors,
            MaxNeurons = 0,
            Answer = AnswerEncoding.DknAuthors,
            Candidates = CandidateSource.KnowledgeNeurons,
        };

    /// <summary>
    /// Options for a preset name: "default" or "recommended" (<see cref="Default"/>), "graph" or "strict"
    /// (<see cref="Graph"/>), "dkn-authors" (<see cref="DknAuthors"/>).
    /// </summary>
    /// <exception cref="DknInputException">The name is not a known preset.</exception>
    public static DknStageOptions FromPreset(string name) =>
        name switch
        {
            "default" or "recommended" => Default,
            "graph" or "strict" => Graph,
            "dkn-authors" => DknAuthors,
            _ => throw new DknInputException($"unknown DKN preset '{name}' (known: default, graph, dkn-authors)"),
        };

    /// <summary>
    /// Checks the options and their consistency (knockout candidates need the teacher-forced probability).
    /// </summary>
    /// <exception cref="DknInputException">An option is out of range or two options conflict.</exception>
    public void Validate()
    {
        if (MaxNeurons < 0)
            throw new DknInputException($"max neurons must be 0 (all) or more (got {MaxNeurons})");
        Dkn.Validate();
        Knockout.Validate();
        if (Candidates == CandidateSource.Knockout && Dkn.Probability != CheckProbability.TeacherForced)
            throw new DknInputException(
                "knockout candidates need the teacher-forced answer probability (not the authors' argmax-fed one)"
            );
    }

    /// <summary>Canonical JSON of every option that changes results: the store key and the tables'
    /// provenance.</summary>
    public string ToCanonicalJson() => OptionsJson.Canonical(this);
}

/// <summary>
/// The DKN stage, written once for the C# API, the ML.NET estimator, the `dkn degenerate` verb and the pipeline step:
/// DKN acquisition on a fact's knowledge neurons (structural graph, each clustering method, the functional check on
/// the fact's prompts, the degeneracy curve), the independent re-check of every DKN by full recomputation, and one
/// stored line per fact (keyed by model hash, fact, prompts, knowledge neurons and options), so a killed run resumes
/// where it stopped.
/// </summary>
public sealed class DknStage(ModelSession session, DknStageOptions options, JsonLinesStore<DknRecord> store)
{
    /// <summary>File name of the stage's JSON-lines store of <see cref="DknRecord"/>s.</summary>
    public const string StoreFileName = "dkn.jsonl";

    /// <summary>Part of every store key: raised when what a stored record means changes for the same options (2: a
    /// single dispensable cluster is no longer a DKN under the lenient rule), so older records are recomputed, not
    /// reused.</summary>
    public const int RecordVersion = 2;

    readonly string _optionsJson = options.ToCanonicalJson();

    /// <summary>The options every fact is run with.</summary>
    public DknStageOptions Options { get; } = options;

    /// <summary>Facts computed (not found in the store) by this instance so far.</summary>
    public int Computed { get; private set; }

    /// <summary>Facts whose record was found in the store and reused by this instance so far.</summary>
    public int Reused { get; private set; }

    /// <summary>Opens (or creates) the store of a stage folder: <c>folder/store/dkn.jsonl</c>.</summary>
    public static JsonLinesStore<DknRecord> OpenStore(string folder) =>
        new(Path.Combine(folder, "store", StoreFileName), r => r.Key);

    /// <summary>
    /// Acquires (or reuses from the store) the DKN record of <paramref name="fact"/>; see the overload with
    /// <c>stored</c>.
    /// </summary>
    public DknRecord Run(FactRecord fact, IReadOnlyList<ScoredNeuron> knowledgeNeurons) =>
        Run(fact, knowledgeNeurons, out _);

    /// <summary>
    /// Acquires the DKN record of <paramref name="fact"/>, or returns the stored one when its key is already in the
    /// store; a computed record is added to the store.
    /// </summary>
    /// <param name="knowledgeNeurons">
    /// The attribution stage's neurons, highest-ranked first; ignored when candidates come from knockout.
    /// </param>
    /// <param name="stored">True when the record came from the store.</param>
    /// <exception cref="DknInputException">
    /// The fact has no prompts, a neuron is outside the model, or the options are invalid.
    /// </exception>
    public DknRecord Run(FactRecord fact, IReadOnlyList<ScoredNeuron> knowledgeNeurons, out bool stored)
    {
        Options.Validate();
        if (fact.Prompts.Count == 0)
            throw new DknInputException($"fact '{fact.FactId}' has no prompts");
        bool knockout = Options.Candidates == CandidateSource.Knockout;
        var neurons = knockout
            ? []
            : knowledgeNeurons
                .Select(n => n.Neuron)
                .Take(Options.MaxNeurons > 0 ? Options.MaxNeurons : int.MaxValue)
                .ToList();
        int checkedPrompts =
            Options.Dkn.Check.Prompts > 0
                ? Math.Min(Options.Dkn.Check.Prompts, fact.Prompts.Count)
                : fact.Prompts.Count;
        var prompts = fact.Prompts.Take(checkedPrompts).ToList();
        var key = ContentHashing.Sha256OfText(
            string.Join(
                "\u001f",
                [
                    $"v{RecordVersion}",
                    session.ContentHash,
                    fact.FactId,
                    .. prompts,
                    fact.Answer,
                    string.Join(",", neurons),
                    _optionsJson,
                ]
            )
        )[..32];
        if (store.TryGet(key, out var found))
        {
            Reused++;
            stored = true;
            return found;
        }
        DknFinder.CheckNeurons(session.Model, neurons);
        var answer = PromptEncoding.Answer(session.Tokenizer, fact.Answer, Options.Answer);
        var encoded = prompts.Select(p => PromptEncoding.Prompt(session.Tokenizer, p)).ToList();
        var probes = encoded.Select(p => Probe(p, answer)).ToList();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var rounds = knockout
                ? KnockoutAttribution.Run(probes.Cast<PrefixCacheProbe>().ToList(), Options.Knockout)
                : null;
            if (rounds is not null)
                neurons = rounds.Candidates.Take(Options.MaxNeurons > 0 ? Options.MaxNeurons : int.MaxValue).ToList();
            var result = DknFinder.Find(
                new ModelNeuronVectors(session.Model),
                session.Config.Family,
                probes,
                neurons,
                Options.Dkn,
                fact.FactId,
                prompts[0]
            );
            double seconds = clock.Elapsed.TotalSeconds;
            var rechecks = Options.Recheck ? Recheck(result, encoded, answer) : null;
            var record = DknRecord.From(result, key, fact.RelationId, prompts, Options.Dkn.Check.Measure, rechecks) with
            {
                Knockout = rounds is null ? null : KnockoutRecord.From(rounds),
                AcquisitionSeconds = seconds,
            };
            store.Add(record);
            Computed++;
            stored = false;
            return record;
        }
        finally
        {
            foreach (var p in probes)
                (p as IDisposable)?.Dispose();
        }
    }

    IAnswerProbe Probe(long[] prompt, long[] answer) =>
        Options.Dkn.Probability == CheckProbability.AuthorsArgmaxFed
            ? new ArgmaxFedProbe(session.Model, prompt, answer, Options.Dkn.Site)
            : new PrefixCacheProbe(session.Model, prompt, answer, Options.Dkn.Site);

    /// <summary>Each DKN re-checked by plain full forwards on every checked prompt, against the definition the check
    /// applied.</summary>
    IReadOnlyDictionary<ClusteringMethod, DknRecheck> Recheck(
        FactDknResult result,
        IReadOnlyList<long[]> prompts,
        long[] answer
    )
    {
        var dkns = result.Methods.Where(m => m.Check.IsDkn).ToList();
        if (dkns.Count == 0)
            return new Dictionary<ClusteringMethod, DknRecheck>();
        IReadOnlyList<IAnswerProbe> references =
            Options.Dkn.Probability == CheckProbability.AuthorsArgmaxFed
                ? prompts
                    .Select(p => (IAnswerProbe)new ArgmaxFedProbe(session.Model, p, answer, Options.Dkn.Site))
                    .ToList()
                : prompts
                    .Select(p => (IAnswerProbe)new FullRecomputationProbe(session.Model, p, answer, Options.Dkn.Site))
                    .ToList();
        return dkns.ToDictionary(
            m => m.Method,
            m => DknVerification.Verify(references, m.Check.Dkn, Options.Dkn.Check)
        );
    }
}
