using MlNetDkn.Perturbation;
using MlNetDkn.Perturbation.Queries;

namespace MlNetDkn.Experiments.Robustness;

/// <summary>One perturbed prompt of a fact as the experiment used it (index 1.. in the score rows; 0 is the clean
/// prompt).</summary>
public sealed record PerturbationRecord(
    int Index,
    string Kind,
    string Prompt,
    int WordIndex,
    string? Word,
    string? Replacement,
    bool HitsSubject,
    bool Changed
)
{
    /// <summary>The record of perturbed query <paramref name="q"/> at score-row index <paramref name="index"/>, its
    /// kind as the CLI names it.</summary>
    public static PerturbationRecord From(int index, PerturbedQuery q) =>
        new(
            index,
            QueryPerturbationOptions.KindName(q.Kind),
            q.Perturbed,
            q.WordIndex,
            q.Word,
            q.Replacement,
            q.HitsSubject,
            q.Changed
        );
}

/// <summary>The answer's score on one prompt under one condition set and route.</summary>
/// <param name="Prompt">0 = the clean prompt, i ≥ 1 = perturbation i.</param>
public sealed record ConditionScoreRow(
    string Route,
    string Condition,
    int Draw,
    int SetSize,
    int Prompt,
    double LogProbability,
    int FirstTokenRank,
    bool Greedy,
    double Margin
)
{
    /// <summary>The authors' generation check (answer a substring of 20 greedy tokens); null when not run.</summary>
    public bool? Generated { get; init; }

    /// <summary>Whether the prompt counts as answered: the generation check when it ran, else teacher-forced
    /// greedy.</summary>
    public bool Answered => Generated ?? Greedy;

    /// <summary>The row of one scored prompt, with the route and condition named in lower case as the tables write
    /// them.</summary>
    public static ConditionScoreRow Of(InterventionRoute route, ConditionSet set, int prompt, AnswerScore s) =>
        new(
            route.ToString().ToLowerInvariant(),
            ConditionSet.Name(set.Condition),
            set.Draw,
            set.Neurons.Length,
            prompt,
            s.LogProbability,
            s.FirstTokenRank,
            s.Greedy,
            s.Margin
        );
}

/// <summary>A fact's stored result of a perturbed-query experiment (one JSON line in the stage's store).</summary>
public sealed record PerturbedQueryRecord
{
    /// <summary>The store key: a hash of the model, experiment, fact, prompts, neuron sets and options.</summary>
    public required string Key { get; init; }

    /// <summary>The fact's id, as in the dataset's fact_id column.</summary>
    public required string FactId { get; init; }

    /// <summary>The relation the fact belongs to.</summary>
    public required string RelationId { get; init; }

    /// <summary>The fact's clean (first) prompt, score-row prompt 0.</summary>
    public required string Clean { get; init; }

    /// <summary>The fact's answer text.</summary>
    public required string Answer { get; init; }

    /// <summary>The fact's DKN neurons (all components together), distinct and sorted; empty when it has
    /// none.</summary>
    public required Neuron[] Dkn { get; init; }

    /// <summary>The fact's knowledge neurons, distinct and sorted.</summary>
    public required Neuron[] KnowledgeNeurons { get; init; }

    /// <summary>The intervention's factor (0 suppresses, 2 enhances).</summary>
    public required double Factor { get; init; }

    /// <summary>The perturbed prompts used, score-row prompts 1 to n in order.</summary>
    public required PerturbationRecord[] Perturbations { get; init; }

    /// <summary>Every scored (route, condition, draw, prompt); for R2 a fact not selected has only the unmodified
    /// model's rows.</summary>
    public required ConditionScoreRow[] Scores { get; init; }

    /// <summary>Collateral prompts (R2: unrelated facts), scored in the same rows after the fact's own
    /// prompts.</summary>
    public string[] CollateralFacts { get; init; } = [];
}
