using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>Which parameters a fine-tune may change.</summary>
public enum FineTuneVariant
{
    /// <summary>The neurons of the updated facts' DKNs (computed on their old versions).</summary>
    Dkn,

    /// <summary>The updated facts' knowledge neurons.</summary>
    KnowledgeNeurons,

    /// <summary>Random neurons matched to the DKN pool in size and layers.</summary>
    Random,

    /// <summary>Every parameter.</summary>
    All,

    /// <summary>Random neurons matched to the knowledge-neuron pool in size and layers.</summary>
    RandomKnowledgeNeurons,

    /// <summary>A random subset of the knowledge-neuron pool with the DKN pool's size and layers: what the DKN adds
    /// beyond being that many of the facts' knowledge neurons.</summary>
    KnowledgeNeuronSubset,
}

/// <summary>E1 (neuron-restricted fine-tuning) and E2 (which neurons a full fine-tune changes).</summary>
public sealed record EvolvabilityOptions
{
    /// <summary>The variants fine-tuned, in order (default: all six).</summary>
    public IReadOnlyList<FineTuneVariant> Variants { get; init; } =
    [
        FineTuneVariant.Dkn,
        FineTuneVariant.KnowledgeNeurons,
        FineTuneVariant.Random,
        FineTuneVariant.RandomKnowledgeNeurons,
        FineTuneVariant.KnowledgeNeuronSubset,
        FineTuneVariant.All,
    ];

    /// <summary>Seeds run at each chosen learning rate; the first also runs the learning-rate grid.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];

    /// <summary>Learning rates tried for the neuron-restricted variants; the best on the held-out criterion is
    /// used.</summary>
    public IReadOnlyList<double> LearningRates { get; init; } = [1e-3, 3e-3, 1e-2, 3e-2];

    /// <summary>Learning rates tried for full fine-tuning (more parameters move, so smaller).</summary>
    public IReadOnlyList<double> AllLearningRates { get; init; } = [1e-4, 3e-4, 1e-3, 3e-3];

    /// <summary>The learning-rate criterion: validation new-fact accuracy + this × validation retention
    /// accuracy.</summary>
    public double RetentionWeight { get; init; } = 1.0;

    /// <summary>A neuron joins a pool when its count over the updated facts' old versions exceeds share · max count
    /// (0 = the union, as the authors' filter_neurons keeps nearly everything).</summary>
    public double PoolShare { get; init; } = 0.25;

    /// <summary>Passes over the training prompts per fine-tune.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Unrelated old facts (other subjects) scored for retention (Q_old).</summary>
    public int RetentionFacts { get; init; } = 100;

    /// <summary>Further unrelated old facts, disjoint from Q_old, whose retention helps choose the learning
    /// rate.</summary>
    public int RetentionValidationFacts { get; init; } = 20;

    /// <summary>E2: a neuron "changed" when its weights' relative change exceeds this.</summary>
    public double ChangedCut { get; init; } = 0.05;

    /// <summary>E2: also the top-k most changed neurons (0 = for each set, as many as it has).</summary>
    public int TopK { get; init; }

    /// <summary>E2's sweep: the top share of all neurons by change, each share a definition of "changed".</summary>
    public IReadOnlyList<double> TopKShares { get; init; } = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5];

    /// <summary>E2 with the authors' change measure, sqrt(Δc_fc_rel² + Δc_proj_rel²), instead of the relative change
    /// of the neuron's slices taken together.</summary>
    public bool AuthorsChangeFormula { get; init; }

    /// <summary>The authors' leaky freeze (see <see cref="FineTuneOptions.AuthorsLeaky"/>); applied to the
    /// neuron-restricted variants.</summary>
    public bool AuthorsLeaky { get; init; }

    /// <summary>The authors' two optimizer steps per batch (see <see
    /// cref="FineTuneOptions.AuthorsDoubleStep"/>).</summary>
    public bool AuthorsDoubleStep { get; init; }

    /// <summary>How answers are tokenized for training and scoring.</summary>
    public AnswerEncoding Answer { get; init; } = AnswerEncoding.Natural;

    /// <summary>Seed of the random pools and of the order the unrelated old facts are taken in.</summary>
    public int Seed { get; init; } = 17;

    /// <summary>The authors' freeze_finetune.py where it changes the numbers: embeddings, LM head and final norm left
    /// trainable, only the input side of the chosen neurons, two optimizer steps per batch, their change measure and
    /// cut (0.04, GPT-2).</summary>
    public static EvolvabilityOptions Authors { get; } =
        new()
        {
            AuthorsLeaky = true,
            AuthorsDoubleStep = true,
            AuthorsChangeFormula = true,
            ChangedCut = 0.04,
            PoolShare = 0,
        };

    /// <summary>Throws <see cref="DknInputException"/> when an option is out of range.</summary>
    public void Validate()
    {
        if (Variants.Count == 0)
            throw new DknInputException("evolvability: no variants");
        if (Seeds.Count == 0)
            throw new DknInputException("evolvability: no seeds");
        if (
            LearningRates.Count == 0
            || AllLearningRates.Count == 0
            || LearningRates.Concat(AllLearningRates).Any(l => !(l > 0))
        )
            throw new DknInputException("evolvability: learning-rate grids must be non-empty and positive");
        if (Epochs < 1 || BatchSize < 1)
            throw new DknInputException("evolvability: epochs and batch size must be at least 1");
        if (PoolShare is < 0 or >= 1)
            throw new DknInputException($"evolvability: pool share must be in [0, 1) (got {PoolShare})");
        if (RetentionFacts < 0 || RetentionValidationFacts < 0 || TopK < 0 || !(ChangedCut > 0))
            throw new DknInputException(
                "evolvability: retention facts and top-k must be ≥ 0, the changed cut positive"
            );
        if (!(RetentionWeight >= 0))
            throw new DknInputException($"evolvability: the retention weight must be ≥ 0 (got {RetentionWeight})");
        if (TopKShares.Any(x => !(x > 0 && x < 1)))
            throw new DknInputException("evolvability: top-k shares must lie in (0, 1)");
    }

    /// <summary>Parses a variant's CLI name: dkn, kn, random, random-kn, kn-subset or all (case-insensitive).</summary>
    public static FineTuneVariant ParseVariant(string text) =>
        text.Trim().ToLowerInvariant() switch
        {
            "dkn" => FineTuneVariant.Dkn,
            "kn" => FineTuneVariant.KnowledgeNeurons,
            "random" => FineTuneVariant.Random,
            "random-kn" => FineTuneVariant.RandomKnowledgeNeurons,
            "kn-subset" => FineTuneVariant.KnowledgeNeuronSubset,
            "all" => FineTuneVariant.All,
            _ => throw new DknInputException(
                $"unknown fine-tuning variant '{text}' (expected dkn, kn, random, random-kn, kn-subset or all)"
            ),
        };

    /// <summary>The variant's CLI name, the inverse of <see cref="ParseVariant"/>.</summary>
    public static string Name(FineTuneVariant v) =>
        v switch
        {
            FineTuneVariant.KnowledgeNeurons => "kn",
            FineTuneVariant.RandomKnowledgeNeurons => "random-kn",
            FineTuneVariant.KnowledgeNeuronSubset => "kn-subset",
            _ => v.ToString().ToLowerInvariant(),
        };
}
