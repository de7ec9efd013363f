using MlNetDkn.Attribution;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Experiments.FactChecking;

/// <summary>What scores a statement "prompt + candidate answer" as true.</summary>
public enum FactCheckDetector
{
    /// <summary>Mean attribution score over the relation's DKN neuron set.</summary>
    Dkn,

    /// <summary>Mean attribution score over the relation's knowledge-neuron set.</summary>
    KnowledgeNeurons,

    /// <summary>Mean attribution score over a random set matched to the relation's DKN set in size and
    /// layers.</summary>
    Random,

    /// <summary>The model's own log-probability of the candidate answer.</summary>
    Probability,

    /// <summary>The model's logit margin of the candidate answer.</summary>
    Margin,
}

/// <summary>How the decision threshold of every detector is set.</summary>
public enum ThresholdRule
{
    /// <summary>The threshold that maximises accuracy on the validation split's balanced true/false statements,
    /// the same rule for every detector (default).</summary>
    FitOnValidation,

    /// <summary>The authors' fixed thresholds: τ_DKN = 5e-7 (their --threshold) and τ_KN = 5e-6 (hard-coded, ten
    /// times larger); the other detectors fitted on validation.</summary>
    AuthorsFixed,
}

/// <summary>R3, fact checking with DKNs: detectors, relation-level neuron sets, splits and thresholds.</summary>
public sealed record FactCheckOptions
{
    /// <summary>The detectors scored (default: all five); at least one.</summary>
    public IReadOnlyList<FactCheckDetector> Detectors { get; init; } =
    [
        FactCheckDetector.Dkn,
        FactCheckDetector.KnowledgeNeurons,
        FactCheckDetector.Random,
        FactCheckDetector.Probability,
        FactCheckDetector.Margin,
    ];

    /// <summary>A neuron enters a relation's set when its count over the training facts exceeds share · max count
    /// (the authors' count &gt; int(max · share) is the same rule, counts being integers).</summary>
    public double Share { get; init; } = 0.5;

    /// <summary>Entity-disjoint split fractions (by subject): train (sets), validation (thresholds), the rest
    /// test.</summary>
    public double TrainFraction { get; init; } = 0.6;

    /// <summary>Share of subjects in the validation split (thresholds); train + validation must leave a test
    /// split.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>The authors' split instead: per relation, this share of facts (rounded up) is the test set, the rest
    /// train; no validation split (0 = off).</summary>
    public double AuthorsTestShare { get; init; }

    /// <summary>How each detector's decision threshold is set.</summary>
    public ThresholdRule Threshold { get; init; } = ThresholdRule.FitOnValidation;

    /// <summary>τ_DKN under <see cref="ThresholdRule.AuthorsFixed"/>: a statement is judged true when its DKN score ≥
    /// this.</summary>
    public double AuthorsDknThreshold { get; init; } = 5e-7;

    /// <summary>τ_KN under <see cref="ThresholdRule.AuthorsFixed"/>: a statement is judged true when its KN score ≥
    /// this.</summary>
    public double AuthorsKnThreshold { get; init; } = 5e-6;

    /// <summary>Attribution of a statement (the authors: their AMIG with 5 steps).</summary>
    public AttributionOptions Attribution { get; init; } = AttributionOptions.Default with { Steps = 10 };

    /// <summary>How candidate answers are tokenized.</summary>
    public AnswerEncoding Answer { get; init; } = AnswerEncoding.Natural;

    /// <summary>The false answer: a seeded choice per fact (default) or the authors' random.seed(42);
    /// random.choice(wrong).</summary>
    public bool AuthorsFalseAnswer { get; init; }

    /// <summary>Seed of the splits, the per-fact false-answer choice and the random control sets.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The authors' protocol (hallucination.py train_test_split_check): 1 % per relation held out,
    /// AMIG with 5 steps, their thresholds, their false-answer draw.</summary>
    public static FactCheckOptions Authors { get; } =
        new()
        {
            AuthorsTestShare = 0.01,
            Threshold = ThresholdRule.AuthorsFixed,
            Attribution = AttributionOptions.DknAuthors with { Steps = 5 },
            Answer = AnswerEncoding.DknAuthors,
            AuthorsFalseAnswer = true,
        };

    /// <summary>Throws <see cref="DknInputException"/> when an option is out of range (attribution options
    /// included).</summary>
    public void Validate()
    {
        if (Detectors.Count == 0)
            throw new DknInputException("fact checking: no detectors given");
        if (Share is < 0 or >= 1)
            throw new DknInputException($"fact checking: share must be in [0, 1), got {Share}");
        if (AuthorsTestShare is < 0 or >= 1)
            throw new DknInputException(
                $"fact checking: the authors' test share must be in [0, 1), got {AuthorsTestShare}"
            );
        if (
            AuthorsTestShare == 0
            && (TrainFraction <= 0 || ValidationFraction < 0 || TrainFraction + ValidationFraction >= 1)
        )
            throw new DknInputException(
                $"fact checking: train ({TrainFraction}) and validation ({ValidationFraction}) fractions must be "
                    + $"positive and leave a test split"
            );
        Attribution.Validate();
    }

    /// <summary>Parses a detector's CLI name: dkn, kn, random, probability or margin (case-insensitive).</summary>
    public static FactCheckDetector ParseDetector(string text) =>
        text.Trim().ToLowerInvariant() switch
        {
            "dkn" => FactCheckDetector.Dkn,
            "kn" => FactCheckDetector.KnowledgeNeurons,
            "random" => FactCheckDetector.Random,
            "probability" => FactCheckDetector.Probability,
            "margin" => FactCheckDetector.Margin,
            _ => throw new DknInputException(
                $"unknown fact-check detector '{text}' (expected dkn, kn, random, probability or margin)"
            ),
        };

    /// <summary>The detector's CLI name, the inverse of <see cref="ParseDetector"/>.</summary>
    public static string Name(FactCheckDetector d) =>
        d switch
        {
            FactCheckDetector.KnowledgeNeurons => "kn",
            _ => d.ToString().ToLowerInvariant(),
        };
}
