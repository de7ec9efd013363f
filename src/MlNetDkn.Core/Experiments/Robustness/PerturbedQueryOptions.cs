using MlNetDkn.Degeneracy;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Experiments.Robustness;

/// <summary>
/// What R1 (suppression under perturbed queries) and R2 (enhancement on failed perturbed queries) share: which
/// conditions run, how many random control draws, the routes, how to intervene and measure.
/// </summary>
public sealed record PerturbedQueryOptions
{
    public IReadOnlyList<NeuronCondition> Conditions { get; init; } =
    [
        NeuronCondition.None, NeuronCondition.Dkn, NeuronCondition.KnowledgeNeurons, NeuronCondition.KnowledgeNeuronsMinusDkn,
        NeuronCondition.RandomMatchedDkn, NeuronCondition.RandomMatchedKnowledgeNeurons,
    ];
    /// <summary>Draws of every random control set per fact.</summary>
    public int RandomDraws { get; init; } = 10;
    public int Seed { get; init; } = 17;
    public IReadOnlyList<InterventionRoute> Routes { get; init; } = [InterventionRoute.Activations, InterventionRoute.Weights];
    public InterventionSettings Intervention { get; init; } = new();
    public AnswerEncoding Answer { get; init; } = AnswerEncoding.Natural;
    /// <summary>At most this many perturbed prompts per fact and kind are used (0 = all the fact has).</summary>
    public int MaxPerKind { get; init; }

    /// <summary>The authors' protocol where it changes the numbers: pre-activation site, argmax-fed probability,
    /// their target tokens, input-and-output weight edits. The controls are still computed (they have no code).</summary>
    public static PerturbedQueryOptions Authors { get; } = new()
    {
        Intervention = new InterventionSettings { Site = NeuronSite.Pre, Probability = CheckProbability.AuthorsArgmaxFed, WeightMode = WeightEditMode.InputAndOutput },
        Answer = AnswerEncoding.DknAuthors,
    };

    public void Validate()
    {
        if (Conditions.Count == 0) throw new DknInputException("no neuron conditions given");
        if (!Conditions.Contains(NeuronCondition.None)) throw new DknInputException("the conditions must include 'none' (the unmodified model every change is measured from)");
        if (RandomDraws < 1 && Conditions.Any(c => c is NeuronCondition.RandomMatchedDkn or NeuronCondition.RandomMatchedKnowledgeNeurons))
            throw new DknInputException($"random draws must be at least 1 when a random control is run (got {RandomDraws})");
        if (Routes.Count == 0) throw new DknInputException("no intervention routes given (activations, weights)");
        if (MaxPerKind < 0) throw new DknInputException($"max perturbations per kind must be 0 (all) or more (got {MaxPerKind})");
    }
}
