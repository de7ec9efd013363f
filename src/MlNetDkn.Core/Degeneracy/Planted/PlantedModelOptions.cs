namespace MlNetDkn.Degeneracy.Planted;

/// <summary>
/// Shape of a planted-degeneracy model: a GPT-2-layout network built by hand (attention off, so each position only
/// sees its own token) in which every fact is a one-token prompt (its subject) whose answer is written by known
/// components: chains of MLP neurons, the first reading the subject, each next one the direction the previous wrote,
/// the last writing the answer's embedding. Degenerate facts get several components that each write the whole
/// answer (any one suffices, the model saturates); additive facts get several components that are all needed
/// (each writes part of the answer, unsaturated); single facts get one component. Noise neurons fire for a fact's
/// subject but write unrelated directions.
/// </summary>
public sealed record PlantedModelOptions
{
    /// <summary>
    /// Seed of every random draw (directions, component shapes, noise); the same options give the same model.
    /// </summary>
    public int Seed { get; init; } = 1;

    /// <summary>Number of transformer blocks (at least 2).</summary>
    public int Layers { get; init; } = 4;

    /// <summary>d_model: must hold one orthogonal direction per token and per relay hop (the builder says when it
    /// cannot).</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>
    /// d_ff: MLP neurons per layer; must fit every fact's components and noise neurons (checked by
    /// <see cref="Validate"/>).
    /// </summary>
    public int IntermediateSize { get; init; } = 512;

    /// <summary>Facts answered by several components, any one of which suffices.</summary>
    public int DegenerateFacts { get; init; } = 24;

    /// <summary>Facts answered by several components that are all needed.</summary>
    public int AdditiveFacts { get; init; } = 8;

    /// <summary>Facts answered by one component.</summary>
    public int SingleFacts { get; init; } = 8;

    /// <summary>Components of a degenerate or additive fact, drawn uniformly in [min, max].</summary>
    public int MinComponents { get; init; } = 2;

    /// <summary>Largest number of components per degenerate or additive fact.</summary>
    public int MaxComponents { get; init; } = 4;

    /// <summary>Hops along one component's chain (layers it spans), uniformly in [min, max]; depth 1 is a component
    /// whose neurons all sit in one layer, reading the subject and writing the answer.</summary>
    public int MinDepth { get; init; } = 2;

    /// <summary>Longest chain, in hops (at most <see cref="Layers"/>).</summary>
    public int MaxDepth { get; init; } = 3;

    /// <summary>Parallel neurons per hop of a chain (each carries an equal share), drawn per component in [Width,
    /// MaxWidth].</summary>
    public int Width { get; init; } = 1;

    /// <summary>Most parallel neurons per hop (0: the same as <see cref="Width"/>).</summary>
    public int MaxWidth { get; init; }

    /// <summary>A chain's first hop sits in layer 0 (false) or in any layer that leaves room for its depth (true), so
    /// relays and answer writers of different components share layers in every order.</summary>
    public bool AnyStartLayer { get; init; }

    /// <summary>Each component's first hop reads a feature of its own that the subject's embedding carries, instead of
    /// the whole embedding: alternative components in one layer are then different circuits, not copies of
    /// one.</summary>
    public bool DistinctReads { get; init; }

    /// <summary>Words per prompt: filler words, then the subject last (attention is off, so only the subject
    /// counts).</summary>
    public int PromptWords { get; init; } = 1;

    /// <summary>Neurons per fact that fire for its subject but write random directions.</summary>
    public int NoiseNeurons { get; init; } = 2;

    /// <summary>Answer vocabulary size.</summary>
    public int Answers { get; init; } = 12;

    /// <summary>Pre-activation of an "on" neuron (its bias puts "off" at −Gain).</summary>
    public double Gain { get; init; } = 4;

    /// <summary>Length of the answer direction each degenerate component writes (saturating on its own).</summary>
    public double AnswerWrite { get; init; } = 4;

    /// <summary>Length of the intermediate direction one hop writes for the next.</summary>
    public double RelayWrite { get; init; } = 1;

    /// <summary>Additive facts are tuned to this P(answer) with every component on (so each one matters).</summary>
    public double AdditiveTarget { get; init; } = 0.7;

    /// <summary>Total number of facts: degenerate + additive + single.</summary>
    public int Facts => DegenerateFacts + AdditiveFacts + SingleFacts;

    /// <summary>
    /// Largest number of parallel neurons per hop: the larger of <see cref="Width"/> and <see cref="MaxWidth"/>.
    /// </summary>
    public int WidestHop => Math.Max(Width, MaxWidth);

    /// <summary>Checks the sizes are consistent and layer 0 can hold every fact's neurons.</summary>
    /// <exception cref="DknInputException">An option is out of range or the intermediate size is too small.</exception>
    public void Validate()
    {
        void Require(bool ok, string what)
        {
            if (!ok)
                throw new DknInputException($"planted model: {what}");
        }
        Require(Layers >= 2, $"layers must be at least 2 (got {Layers})");
        Require(HiddenSize >= 16, $"hidden size must be at least 16 (got {HiddenSize})");
        Require(
            MinDepth >= 1 && MaxDepth >= MinDepth && MaxDepth <= Layers,
            $"depth must satisfy 1 ≤ min ≤ max ≤ layers (got {MinDepth}..{MaxDepth}, {Layers} layers)"
        );
        Require(
            MaxWidth == 0 || MaxWidth >= Width,
            $"max width must be 0 or at least the width (got {MaxWidth} < {Width})"
        );
        Require(PromptWords is >= 1 and <= 6, $"prompt words must be in 1..6 (got {PromptWords})");
        Require(
            MinComponents >= 2 && MaxComponents >= MinComponents,
            $"components must satisfy 2 ≤ min ≤ max (got {MinComponents}..{MaxComponents})"
        );
        Require(Width >= 1 && NoiseNeurons >= 0 && Answers >= 2, "width ≥ 1, noise neurons ≥ 0 and answers ≥ 2");
        Require(
            Facts >= 1 && DegenerateFacts >= 0 && AdditiveFacts >= 0 && SingleFacts >= 0,
            "at least one fact, none of the counts negative"
        );
        Require(AdditiveTarget is > 0 and < 1, "additive target must be in (0, 1)");
        int perLayer = (int)
            Math.Ceiling(
                (double)(DegenerateFacts + AdditiveFacts) * MaxComponents * WidestHop
                    + SingleFacts * WidestHop
                    + Facts * NoiseNeurons
            );
        Require(
            perLayer <= IntermediateSize,
            $"intermediate size {IntermediateSize} is too small: layer 0 alone needs up to {perLayer} neurons"
        );
    }
}
