using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetDkn.Degeneracy.Planted;

/// <summary>What kind of storage a planted fact has.</summary>
public enum PlantedKind
{
    /// <summary>Several components, each enough on its own: a true DKN.</summary>
    Degenerate,

    /// <summary>Several components that are all needed: suppressing any one hurts. Not a DKN.</summary>
    Additive,

    /// <summary>One component. Not a DKN.</summary>
    Single,
}

/// <summary>One planted fact: its kind, components (neuron lists) and noise neurons, and the model's behaviour on it as
/// measured after building (P with nothing, with each component alone left, with every component suppressed).</summary>
public sealed record PlantedFact(
    string FactId,
    PlantedKind Kind,
    string Subject,
    string Answer,
    IReadOnlyList<IReadOnlyList<Neuron>> Components,
    IReadOnlyList<Neuron> Noise,
    double BaselineProbability,
    double WorstProperSubsetDrop,
    double FullDrop
)
{
    /// <summary>The planted truth holds on the built model: degenerate facts satisfy the strict definition with
    /// t_low 0.05 and t_high 0.3 against their components; the others violate it (some proper subset
    /// matters).</summary>
    public bool Verified { get; init; }

    /// <summary>Every neuron of every component (noise neurons excluded).</summary>
    public IEnumerable<Neuron> PlantedNeurons => Components.SelectMany(c => c);
}

/// <summary>The ground truth of a planted model: <see cref="FileName"/> beside its weights.</summary>
public sealed record PlantedTruth(PlantedModelOptions Options, IReadOnlyList<PlantedFact> Facts)
{
    /// <summary>File name of the truth in the planted model's folder.</summary>
    public const string FileName = "planted_truth.json";
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Writes the truth as indented JSON (enums as names, NaN and infinities allowed) to <paramref name="path"/>.
    /// </summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a truth written by <see cref="Save"/>.</summary>
    /// <exception cref="DknInputException">The file is missing or not a planted truth.</exception>
    public static PlantedTruth Load(string path)
    {
        if (!File.Exists(path))
            throw new DknInputException(
                $"{path}: planted truth not found (written by the planted-model step beside the model)"
            );
        try
        {
            return JsonSerializer.Deserialize<PlantedTruth>(File.ReadAllText(path), Json)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new DknInputException($"{path}: not a planted truth file ({e.Message})");
        }
    }
}
