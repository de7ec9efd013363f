using MlNetDkn.Attribution;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Degeneracy;

/// <summary>Everything the DKN stage does with one fact's knowledge neurons.</summary>
public sealed record DknStageOptions
{
    public DknOptions Dkn { get; init; } = DknOptions.Default;
    /// <summary>At most this many knowledge neurons (highest-ranked first) enter the graph of a fact (0 = all).</summary>
    public int MaxNeurons { get; init; } = 64;
    /// <summary>Re-check every DKN found with full recomputation (<see cref="FullRecomputationProbe"/>).</summary>
    public bool Recheck { get; init; } = true;

    public void Validate()
    {
        if (MaxNeurons < 0) throw new DknInputException($"max neurons must be 0 (all) or more (got {MaxNeurons})");
        if (Dkn.Methods.Count == 0) throw new DknInputException("DKN acquisition needs at least one clustering method");
    }

    /// <summary>Canonical JSON of every option that changes results: the store key and the tables' provenance.</summary>
    public string ToCanonicalJson() => OptionsJson.Canonical(this);
}

/// <summary>
/// The DKN stage, written once for the C# API, the ML.NET estimator, the `dkn degenerate` verb and the pipeline step:
/// DKN acquisition on a fact's knowledge neurons (structural graph, each clustering method, the functional check on
/// the fact's first prompt, the degeneracy curve), the independent re-check of every DKN by full recomputation, and
/// one stored line per fact (keyed by model hash, fact, prompt, knowledge neurons and options) so a killed run
/// resumes where it stopped.
/// </summary>
public sealed class DknStage(ModelSession session, DknStageOptions options, JsonLinesStore<DknRecord> store)
{
    public const string StoreFileName = "dkn.jsonl";

    readonly string _optionsJson = options.ToCanonicalJson();

    public DknStageOptions Options { get; } = options;
    public int Computed { get; private set; }
    public int Reused { get; private set; }

    /// <summary>Opens (or creates) the store of a stage folder: <c>folder/store/dkn.jsonl</c>.</summary>
    public static JsonLinesStore<DknRecord> OpenStore(string folder) =>
        new(Path.Combine(folder, "store", StoreFileName), r => r.Key);

    public DknRecord Run(FactRecord fact, IReadOnlyList<ScoredNeuron> knowledgeNeurons) => Run(fact, knowledgeNeurons, out _);

    public DknRecord Run(FactRecord fact, IReadOnlyList<ScoredNeuron> knowledgeNeurons, out bool stored)
    {
        Options.Validate();
        if (fact.Prompts.Count == 0) throw new DknInputException($"fact '{fact.FactId}' has no prompts");
        var neurons = knowledgeNeurons.Select(n => n.Neuron).Take(Options.MaxNeurons > 0 ? Options.MaxNeurons : int.MaxValue).ToList();
        var prompt = fact.Prompts[0];
        var key = ContentHashing.Sha256OfText(string.Join("\u001f", session.ContentHash, fact.FactId, prompt, fact.Answer,
            string.Join(",", neurons), _optionsJson))[..32];
        if (store.TryGet(key, out var found))
        {
            Reused++;
            stored = true;
            return found;
        }
        var promptTokens = PromptEncoding.Prompt(session.Tokenizer, prompt);
        var answerTokens = PromptEncoding.Answer(session.Tokenizer, fact.Answer);
        var result = DknFinder.Find(session.Model, promptTokens, answerTokens, neurons, Options.Dkn, fact.FactId, prompt);
        var record = DknRecord.From(result, key, fact.RelationId, Options.Recheck ? Recheck(result, promptTokens, answerTokens) : null);
        store.Add(record);
        Computed++;
        stored = false;
        return record;
    }

    /// <summary>Each DKN re-checked by plain full forwards, against the same definition the check applied.</summary>
    IReadOnlyDictionary<ClusteringMethod, DknRecheck> Recheck(FactDknResult result, long[] prompt, long[] answer)
    {
        var check = Options.Dkn.Check;
        var reference = new FullRecomputationProbe(session.Model, prompt, answer, Options.Dkn.Site);
        return result.Methods.Where(m => m.Check.IsDkn).ToDictionary(m => m.Method, m =>
        {
            var verdict = DknVerification.Verify(reference, m.Check.Dkn, check.TLow, check.Strict ? check.THigh : double.NegativeInfinity);
            return new DknRecheck(verdict.Holds, check.Strict ? DknRecheck.BothHalves : DknRecheck.ComponentsOnly,
                verdict.BaselineProbability, [.. verdict.ComponentDrops], verdict.JointDrop);
        });
    }
}
