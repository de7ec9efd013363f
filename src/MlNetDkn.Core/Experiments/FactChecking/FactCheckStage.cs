using MlNetDkn.Attribution;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Experiments.FactChecking;

/// <summary>The scores of one statement (prompt + candidate answer) under every detector; NaN when a detector has no
/// neuron set for the fact's relation.</summary>
public sealed record StatementScores(string Answer, Dictionary<string, double> Scores);

/// <summary>A fact's stored fact-check result: its split, and the true and false statements' scores.</summary>
public sealed record FactCheckRecord
{
    /// <summary>The store key: a hash of the model, fact, prompt, answers, split, relation sets and options.</summary>
    public required string Key { get; init; }

    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public required string FactId { get; init; }

    /// <summary>The relation the fact belongs to (whose neuron sets score it).</summary>
    public required string RelationId { get; init; }

    /// <summary>The fact's subject (the unit the default split is drawn by).</summary>
    public required string Subject { get; init; }

    /// <summary>"train", "validation" or "test" (<see cref="FactCheckSplits"/>).</summary>
    public required string Split { get; init; }

    /// <summary>The fact's first prompt, the statement's prompt part.</summary>
    public required string Prompt { get; init; }

    /// <summary>Null for training facts (they only teach the sets) and facts without a false answer.</summary>
    public StatementScores? True { get; init; }

    /// <summary>The false statement's scores (a stored wrong answer); null when <see cref="True"/> is.</summary>
    public StatementScores? False { get; init; }
}

/// <summary>
/// R3 scoring, written once for the C# API, the ML.NET estimator, the `dkn robustness r3` verb and the
/// pipeline step: the true statement (the fact's answer) and one false statement (a stored wrong answer) of every
/// validation and test fact, scored by attribution over the relation's DKN / knowledge-neuron / random set and by the
/// model's own log P and logit margin. One stored line per fact, so a killed run resumes.
/// </summary>
public sealed class FactCheckStage(
    ModelSession session,
    FactCheckOptions options,
    IReadOnlyList<RelationSets> sets,
    JsonLinesStore<FactCheckRecord> store
)
{
    /// <summary>File name of the stage's JSON-lines store, under the stage folder's store/ subfolder.</summary>
    public const string StoreFileName = "fact_check.jsonl";
    readonly Dictionary<string, RelationSets> _sets = sets.ToDictionary(s => s.RelationId, StringComparer.Ordinal);
    readonly string _setsHash = ContentHashing.Sha256OfText(OptionsJson.Canonical(sets))[..16];

    /// <summary>Facts computed (and stored) by this instance so far.</summary>
    public int Computed { get; private set; }

    /// <summary>Facts found in the store (not recomputed) by this instance so far.</summary>
    public int Reused { get; private set; }

    /// <summary>Opens (or creates) the store at <paramref name="folder"/>/store/<see cref="StoreFileName"/>, keyed by
    /// record key.</summary>
    public static JsonLinesStore<FactCheckRecord> OpenStore(string folder) =>
        new(Path.Combine(folder, "store", StoreFileName), r => r.Key);

    /// <summary>Scores the fact's true and false statements (nothing for a training fact), or returns the stored
    /// record.</summary>
    /// <param name="split">The fact's split, as <see cref="FactCheckSplits.Assign"/> gave it.</param>
    /// <param name="stored">True when the record came from the store.</param>
    public FactCheckRecord Run(FactRecord fact, string split, out bool stored)
    {
        if (fact.Prompts.Count == 0)
            throw new DknInputException($"fact '{fact.FactId}' has no prompts");
        var wrong = FactCheckSplits.FalseAnswer(fact, options);
        // A false answer the model's vocabulary cannot spell (a word-level model's unknown word) gives no false
        // statement.
        if (wrong != null)
            try
            {
                PromptEncoding.Answer(session.Tokenizer, wrong, options.Answer);
            }
            catch (DknInputException)
            {
                wrong = null;
            }
        var key = ContentHashing.Sha256OfText(
            string.Join(
                "\u001f",
                session.ContentHash,
                fact.FactId,
                fact.Prompts[0],
                fact.Answer,
                wrong ?? "",
                split,
                _setsHash,
                OptionsJson.Canonical(options)
            )
        )[..32];
        if (store.TryGet(key, out var found))
        {
            Reused++;
            stored = true;
            return found;
        }
        StatementScores? truth = null,
            falsehood = null;
        if (split != FactCheckSplits.Train && wrong != null)
        {
            var prompt = PromptEncoding.Prompt(session.Tokenizer, fact.Prompts[0]);
            truth = Score(fact, prompt, fact.Answer);
            falsehood = Score(fact, prompt, wrong);
        }
        var record = new FactCheckRecord
        {
            Key = key,
            FactId = fact.FactId,
            RelationId = fact.RelationId,
            Subject = fact.Subject,
            Split = split,
            Prompt = fact.Prompts[0],
            True = truth,
            False = falsehood,
        };
        store.Add(record);
        Computed++;
        stored = false;
        return record;
    }

    StatementScores Score(FactRecord fact, long[] prompt, string candidate)
    {
        var answer = PromptEncoding.Answer(session.Tokenizer, candidate, options.Answer);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        _sets.TryGetValue(fact.RelationId, out var relation);
        var needsAttribution = options.Detectors.Any(d =>
            d is FactCheckDetector.Dkn or FactCheckDetector.KnowledgeNeurons or FactCheckDetector.Random
        );
        var attribution = needsAttribution
            ? IntegratedGradients.Attribute(session.Model, new AttributionRequest(prompt, answer), options.Attribution)
            : null;
        AnswerScore? model = null;
        foreach (var d in options.Detectors)
        {
            double value = d switch
            {
                FactCheckDetector.Dkn => MeanOver(attribution!, relation?.Dkn),
                FactCheckDetector.KnowledgeNeurons => MeanOver(attribution!, relation?.KnowledgeNeurons),
                FactCheckDetector.Random => MeanOver(attribution!, relation?.Random),
                FactCheckDetector.Probability => (model ??= Unmodified(prompt, answer)).LogProbability,
                _ => (model ??= Unmodified(prompt, answer)).Margin,
            };
            scores[FactCheckOptions.Name(d)] = value;
        }
        return new StatementScores(candidate, scores);
    }

    AnswerScore Unmodified(long[] prompt, long[] answer) =>
        PromptBatchProbe.Score(session.Model, [(prompt, answer)])[0];

    static double MeanOver(AttributionResult attribution, Neuron[]? set) =>
        set is null || set.Length == 0 ? double.NaN : set.Average(n => attribution.Scores[n.Layer][n.Index]);
}
