using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;
using MlNetDkn.Perturbation.Queries;

namespace MlNetDkn.Experiments.Robustness;

/// <summary>The two perturbed-query experiments.</summary>
public enum PerturbedQueryExperiment
{
    /// <summary>R1: suppress (×0) on the clean and every perturbed prompt of every fact.</summary>
    Suppression,

    /// <summary>R2: enhance (×2) on the perturbed prompts the unmodified model fails while it answers the clean one,
    /// with the clean prompt and unrelated facts scored for collateral change.</summary>
    Enhancement,
}

/// <summary>
/// R1 and R2 for one fact, written once for the C# API, the ML.NET stages, the `dkn robustness` verbs and the
/// pipeline steps: the fact's clean prompt and its perturbed prompts (from the fact's perturbed_prompts, drawn by
/// the perturb-queries step or brought by the dataset) are scored under every condition set (none, DKN, knowledge
/// neurons, knowledge neurons minus DKN, matched random sets) by activations and by weights. One stored line per
/// fact (keyed by model, fact, prompts, neuron sets and options), so a killed run resumes where it stopped.
/// </summary>
public sealed class PerturbedQueryStage(
    ModelSession session,
    PerturbedQueryExperiment experiment,
    PerturbedQueryOptions options,
    JsonLinesStore<PerturbedQueryRecord> store
)
{
    /// <summary>File name of the stage's JSON-lines store, under the stage folder's store/ subfolder.</summary>
    public const string StoreFileName = "perturbed_queries.jsonl";

    /// <summary>Which experiment runs: R1 suppression or R2 enhancement.</summary>
    public PerturbedQueryExperiment Experiment { get; } = experiment;

    /// <summary>The options the stage runs with.</summary>
    public PerturbedQueryOptions Options { get; } = options;

    /// <summary>The factor the neurons are scaled by: 0 for suppression, 2 for enhancement.</summary>
    public double Factor => Experiment == PerturbedQueryExperiment.Suppression ? 0.0 : 2.0;

    /// <summary>Facts computed (and stored) by this instance so far.</summary>
    public int Computed { get; private set; }

    /// <summary>Facts found in the store (not recomputed) by this instance so far.</summary>
    public int Reused { get; private set; }

    /// <summary>Opens (or creates) the store at <paramref name="folder"/>/store/<see cref="StoreFileName"/>, keyed by
    /// record key.</summary>
    public static JsonLinesStore<PerturbedQueryRecord> OpenStore(string folder) =>
        new(Path.Combine(folder, "store", StoreFileName), r => r.Key);

    /// <summary>The fact's perturbed prompts as this experiment uses them (at most MaxPerKind per kind, in
    /// order).</summary>
    public IReadOnlyList<PerturbationRecord> Perturbations(FactRecord fact)
    {
        if (fact.Prompts.Count == 0)
            throw new DknInputException($"fact '{fact.FactId}' has no prompts");
        if (fact.PerturbedKinds.Count != 0 && fact.PerturbedKinds.Count != fact.PerturbedPrompts.Count)
            throw new DknInputException(
                $"fact '{fact.FactId}': {fact.PerturbedPrompts.Count} perturbed prompts but "
                    + $"{fact.PerturbedKinds.Count} perturbed kinds (expected one kind per prompt)"
            );
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = new List<PerturbationRecord>();
        for (int i = 0; i < fact.PerturbedPrompts.Count; i++)
        {
            var kindText = fact.PerturbedKinds.Count > 0 ? fact.PerturbedKinds[i] : "perturbed";
            taken[kindText] = taken.GetValueOrDefault(kindText) + 1;
            if (Options.MaxPerKind > 0 && taken[kindText] > Options.MaxPerKind)
                continue;
            var kind = TryKind(kindText) ?? PerturbationKind.Paraphrase;
            var q = PerturbationDiff.Describe(
                fact.FactId,
                fact.Subject,
                fact.Prompts[0],
                fact.PerturbedPrompts[i],
                kind,
                taken[kindText] - 1
            );
            list.Add(PerturbationRecord.From(list.Count + 1, q) with { Kind = kindText });
        }
        return list;
    }

    static PerturbationKind? TryKind(string text)
    {
        try
        {
            return QueryPerturbationOptions.ParseKind(text);
        }
        catch (DknInputException)
        {
            return null;
        }
    }

    /// <param name="dkn">The fact's DKN neurons (all components; empty when it has none).</param>
    /// <param name="collateral">R2: unrelated facts whose first prompt is scored under the same interventions.</param>
    public PerturbedQueryRecord Run(
        FactRecord fact,
        IReadOnlyCollection<Neuron> dkn,
        IReadOnlyCollection<Neuron> knowledgeNeurons,
        IReadOnlyList<FactRecord> collateral,
        out bool stored
    )
    {
        Options.Validate();
        var perturbations = Perturbations(fact);
        var unrelated = collateral
            .Where(c => c.RelationId != fact.RelationId && c.Subject != fact.Subject && c.Prompts.Count > 0)
            .ToList();
        var key = ContentHashing.Sha256OfText(
            string.Join(
                "\u001f",
                [
                    session.ContentHash,
                    Experiment.ToString(),
                    fact.FactId,
                    fact.Prompts[0],
                    fact.Answer,
                    .. perturbations.Select(p => p.Kind + "\u001e" + p.Prompt),
                    string.Join(",", dkn.Order()),
                    string.Join(",", knowledgeNeurons.Order()),
                    .. unrelated.Select(u => u.FactId),
                    OptionsJson.Canonical(Options),
                ]
            )
        )[..32];
        if (store.TryGet(key, out var found))
        {
            Reused++;
            stored = true;
            return found;
        }

        var answer = PromptEncoding.Answer(session.Tokenizer, fact.Answer, Options.Answer);
        var items = new List<(long[] Prompt, long[] Answer)>
        {
            (PromptEncoding.Prompt(session.Tokenizer, fact.Prompts[0]), answer),
        };
        items.AddRange(perturbations.Select(p => (PromptEncoding.Prompt(session.Tokenizer, p.Prompt), answer)));
        var texts = Enumerable.Repeat(fact.Answer, items.Count).ToList();
        var sets = ConditionSet.For(
            fact.FactId,
            dkn,
            knowledgeNeurons,
            Options.Conditions,
            Options.RandomDraws,
            session.Config.IntermediateSize,
            Options.Seed
        );
        var none = sets.Where(s => s.Condition == Experiments.NeuronCondition.None).Take(1).ToList();
        var rows = new List<ConditionScoreRow>();
        string[] collateralIds = [];

        if (Experiment == PerturbedQueryExperiment.Enhancement)
        {
            // Selected on the unmodified model only: the clean prompt answered, the perturbed prompt failed.
            var unmodified = ConditionScoring.Score(
                session.Model,
                items,
                none,
                1.0,
                InterventionRoute.Activations,
                Options.Intervention
            );
            var answered = Enumerable
                .Range(0, items.Count)
                .Select(p => Answered(items[p], texts[p], unmodified[p][0], none[0], InterventionRoute.Activations))
                .ToArray();
            var failed = Enumerable
                .Range(1, perturbations.Count)
                .Where(i => perturbations[i - 1].Changed && !answered[i])
                .ToList();
            if (!answered[0] || failed.Count == 0)
            {
                for (int p = 0; p < items.Count; p++)
                    rows.Add(
                        ConditionScoreRow.Of(InterventionRoute.Activations, none[0], p, unmodified[p][0]) with
                        {
                            Generated = Generated(answered[p]),
                        }
                    );
                return Save(key, fact, dkn, knowledgeNeurons, perturbations, rows, [], out stored);
            }
            collateralIds = [.. unrelated.Select(u => u.FactId)];
            items.AddRange(
                unrelated.Select(u =>
                    (
                        PromptEncoding.Prompt(session.Tokenizer, u.Prompts[0]),
                        PromptEncoding.Answer(session.Tokenizer, u.Answer, Options.Answer)
                    )
                )
            );
            texts.AddRange(unrelated.Select(u => u.Answer));
        }

        foreach (var route in Options.Routes)
        {
            // The unmodified model scores the same on every route: compute it once.
            var routeSets =
                route == Options.Routes[0]
                    ? sets
                    : sets.Where(s => s.Condition != Experiments.NeuronCondition.None).ToList();
            var scores = ConditionScoring.Score(session.Model, items, routeSets, Factor, route, Options.Intervention);
            for (int p = 0; p < items.Count; p++)
            for (int s = 0; s < routeSets.Count; s++)
            {
                var row = ConditionScoreRow.Of(route, routeSets[s], p, scores[p][s]);
                if (
                    Experiment == PerturbedQueryExperiment.Enhancement
                    && Options.Check == AnswerCheck.AuthorsGenerateSubstring
                )
                    row = row with { Generated = Answered(items[p], texts[p], scores[p][s], routeSets[s], route) };
                rows.Add(row);
            }
        }
        return Save(key, fact, dkn, knowledgeNeurons, perturbations, rows, collateralIds, out stored);
    }

    bool? Generated(bool answered) => Options.Check == AnswerCheck.AuthorsGenerateSubstring ? answered : null;

    /// <summary>Whether the prompt is answered under a set: teacher-forced greedy, or the authors' generation check
    /// (the intervention on every generated position, or on the weights).</summary>
    bool Answered(
        (long[] Prompt, long[] Answer) item,
        string answer,
        AnswerScore score,
        ConditionSet set,
        InterventionRoute route
    )
    {
        if (Options.Check == AnswerCheck.TeacherForced)
            return score.Greedy;
        var model = session.Model;
        // As many tokens as asked, within the model's context (a small model may not fit 20 after the prompt).
        int count = Math.Min(Options.GeneratedTokens, session.Config.MaxPositions - item.Prompt.Length);
        if (count < 1)
            throw new DknInputException(
                $"prompt of {item.Prompt.Length} tokens leaves no room to generate in a context of "
                    + $"{session.Config.MaxPositions}"
            );
        var positions = TokenPositions.At(Enumerable.Range(item.Prompt.Length - 1, count).ToArray());
        var edits =
            route == InterventionRoute.Activations && set.Neurons.Length > 0
                ? ScaleNeurons.PerLayer(set.Neurons, Options.Intervention.Site, Factor, positions)
                : [];
        using var weights =
            route == InterventionRoute.Weights && set.Neurons.Length > 0
                ? WeightEdits.Scale(model, set.Neurons, Factor, Options.Intervention.WeightMode)
                : null;
        using var scope = model.Intervene(edits);
        var generated = Generation.Greedy(model, item.Prompt, count);
        // The gold answer text, case-sensitive, as their substring check reads it.
        return session.Tokenizer.Decode(generated.Select(t => (int)t)).Contains(answer, StringComparison.Ordinal);
    }

    PerturbedQueryRecord Save(
        string key,
        FactRecord fact,
        IReadOnlyCollection<Neuron> dkn,
        IReadOnlyCollection<Neuron> knowledgeNeurons,
        IReadOnlyList<PerturbationRecord> perturbations,
        List<ConditionScoreRow> rows,
        string[] collateral,
        out bool stored
    )
    {
        var record = new PerturbedQueryRecord
        {
            Key = key,
            FactId = fact.FactId,
            RelationId = fact.RelationId,
            Clean = fact.Prompts[0],
            Answer = fact.Answer,
            Dkn = [.. dkn.Distinct().Order()],
            KnowledgeNeurons = [.. knowledgeNeurons.Distinct().Order()],
            Factor = Factor,
            Perturbations = [.. perturbations],
            Scores = [.. rows],
            CollateralFacts = collateral,
        };
        store.Add(record);
        Computed++;
        stored = false;
        return record;
    }
}
