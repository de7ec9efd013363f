using System.Diagnostics;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Attribution;

/// <summary>
/// Attributes every prompt of every fact, storing each prompt's result as soon as it is computed (keyed by model
/// content hash, fact, prompt, answer and options), and refines the knowledge neurons of each fact across its prompts.
/// A rerun over the same store recomputes nothing.
/// </summary>
public sealed class FactAttributionRunner(
    LoadedModel model,
    ITextTokenizer tokenizer,
    FactAttributionOptions options,
    AttributionStore store
)
{
    /// <summary>A runner on a loaded model session (its model and tokenizer).</summary>
    public FactAttributionRunner(ModelSession session, FactAttributionOptions options, AttributionStore store)
        : this(session.Loaded, session.Tokenizer, options, store) { }

    /// <summary>The options every fact is attributed with.</summary>
    public FactAttributionOptions Options => options;

    /// <summary>Prompts attributed by this runner so far.</summary>
    public int PromptsComputed { get; private set; }

    /// <summary>Prompts whose result this runner found in the store so far.</summary>
    public int PromptsReused { get; private set; }

    /// <summary>Lazily attributes each fact in turn, reporting progress after each and checking
    /// cancellation before each.</summary>
    public IEnumerable<FactKnowledgeNeurons> RunAll(
        IReadOnlyList<FactRecord> facts,
        IProgress<AttributionProgress>? progress = null,
        CancellationToken cancellationToken = default
    )
    {
        options.Validate();
        for (int i = 0; i < facts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = Run(facts[i]);
            progress?.Report(
                new AttributionProgress(i + 1, facts.Count, PromptsComputed, PromptsReused, facts[i].FactId)
            );
            yield return result;
        }
    }

    /// <summary>The fact's knowledge neurons, attributing only the prompts not already in the store.</summary>
    public FactKnowledgeNeurons Run(FactRecord fact) => Run(fact, out _);

    /// <param name="stored">True when every prompt's result came from the store.</param>
    public FactKnowledgeNeurons Run(FactRecord fact, out bool stored)
    {
        options.Validate();
        int computedBefore = PromptsComputed;
        var prompts =
            options.MaxPromptsPerFact > 0 ? fact.Prompts.Take(options.MaxPromptsPerFact).ToList() : fact.Prompts;
        var answerTokens =
            options.Answer == AnswerEncoding.DknAuthors
                ? PromptEncoding.AuthorsTarget(tokenizer, fact.Answer, lowercase: true)
                : PromptEncoding.Answer(tokenizer, fact.Answer);
        var attributions = prompts.Select((prompt, index) => Prompt(fact, index, prompt, answerTokens)).ToList();
        var coarse = attributions
            .Select(a =>
                NeuronSelection.Coarse(a.ToDense(model.Config.NumLayers, model.Config.IntermediateSize), options.Coarse)
            )
            .ToList();
        var refined = options.Refine(coarse);
        stored = PromptsComputed == computedBefore;
        return new FactKnowledgeNeurons(
            fact.FactId,
            fact.RelationId,
            fact.Answer,
            refined,
            attributions,
            coarse,
            options.Attribution.Objective
        );
    }

    PromptAttribution Prompt(FactRecord fact, int index, string prompt, long[] answerTokens)
    {
        var key = Key(fact.FactId, index, prompt, fact.Answer);
        if (store.TryGet(key, out var stored))
        {
            PromptsReused++;
            return stored;
        }
        var watch = Stopwatch.StartNew();
        var promptTokens = PromptEncoding.Prompt(tokenizer, prompt);
        var result = IntegratedGradients.Attribute(
            model.Model,
            new AttributionRequest(promptTokens, answerTokens),
            options.Attribution
        );
        double max = result.MaxScore;
        var sparse = result
            .Scores.SelectMany((row, l) => row.Select((s, i) => new SparseScore(l, i, s)))
            .Where(s => max > 0 && s.Score >= options.StorageRatio * max)
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Layer)
            .ThenBy(s => s.Index)
            .ToArray();
        var entry = new PromptAttribution
        {
            Key = key,
            FactId = fact.FactId,
            PromptIndex = index,
            Prompt = prompt,
            Answer = fact.Answer,
            PromptTokens = promptTokens,
            AnswerTokens = answerTokens,
            Scores = sparse,
            MaxScore = max,
            Objective = result.Aggregate(result.ObjectiveAtActivation),
            RelativeCompletenessError = result.RelativeCompletenessError,
            PathPoints = result.PathPointsUsed.Max(),
            LayerScoreSums = result.Scores.Select(r => r.Sum()).ToArray(),
            OptionsHash = options.Attribution.Hash,
            ModelHash = model.ContentHash,
            Seconds = watch.Elapsed.TotalSeconds,
        };
        store.Add(entry);
        PromptsComputed++;
        return entry;
    }

    string Key(string factId, int index, string prompt, string answer) =>
        ContentHashing.Sha256OfText(
            string.Join(
                "\u001f",
                model.ContentHash,
                factId,
                index,
                prompt,
                answer,
                options.Attribution.Hash,
                options.StorageRatio,
                options.Answer
            )
        )[..32];
}
