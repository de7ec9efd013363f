using MlNetDkn.Perturbation;
using MlNetDkn.Perturbation.Queries;

namespace MlNetDkn.Experiments.Robustness;

/// <summary>One perturbed prompt of a fact as the experiment used it (index 1.. in the score rows; 0 is the clean prompt).</summary>
public sealed record PerturbationRecord(int Index, string Kind, string Prompt, int WordIndex, string? Word, string? Replacement, bool HitsSubject, bool Changed)
{
    public static PerturbationRecord From(int index, PerturbedQuery q) =>
        new(index, QueryPerturbationOptions.KindName(q.Kind), q.Perturbed, q.WordIndex, q.Word, q.Replacement, q.HitsSubject, q.Changed);
}

/// <summary>The answer's score on one prompt under one condition set and route.</summary>
/// <param name="Prompt">0 = the clean prompt, i ≥ 1 = perturbation i.</param>
public sealed record ConditionScoreRow(string Route, string Condition, int Draw, int SetSize, int Prompt,
    double LogProbability, int FirstTokenRank, bool Greedy, double Margin)
{
    /// <summary>The authors' generation check (answer a substring of 20 greedy tokens); null when not run.</summary>
    public bool? Generated { get; init; }
    /// <summary>Whether the prompt counts as answered: the generation check when it ran, else teacher-forced greedy.</summary>
    public bool Answered => Generated ?? Greedy;

    public static ConditionScoreRow Of(InterventionRoute route, ConditionSet set, int prompt, AnswerScore s) =>
        new(route.ToString().ToLowerInvariant(), ConditionSet.Name(set.Condition), set.Draw, set.Neurons.Length, prompt,
            s.LogProbability, s.FirstTokenRank, s.Greedy, s.Margin);
}

/// <summary>A fact's stored result of a perturbed-query experiment (one JSON line in the stage's store).</summary>
public sealed record PerturbedQueryRecord
{
    public required string Key { get; init; }
    public required string FactId { get; init; }
    public required string RelationId { get; init; }
    public required string Clean { get; init; }
    public required string Answer { get; init; }
    public required Neuron[] Dkn { get; init; }
    public required Neuron[] KnowledgeNeurons { get; init; }
    /// <summary>The intervention's factor (0 suppresses, 2 enhances).</summary>
    public required double Factor { get; init; }
    public required PerturbationRecord[] Perturbations { get; init; }
    public required ConditionScoreRow[] Scores { get; init; }
    /// <summary>Collateral prompts (R2: unrelated facts), scored in the same rows after the fact's own prompts.</summary>
    public string[] CollateralFacts { get; init; } = [];
}
