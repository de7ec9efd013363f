using System.Text.Json.Serialization;

namespace MlNetDkn.Facts;

/// <summary>
/// One fact: a (subject, relation, answer) triple with the prompts that ask for it. Column names are the Parquet
/// names documented in datasets/README.md; <see cref="FactColumns"/> holds them as constants.
/// Every prompt ends right before the answer, with no trailing space, so a causal model continues it with
/// " " + <see cref="Answer"/>.
/// </summary>
public sealed class FactRecord
{
    /// <summary>Stable identifier, unique within a dataset, prefixed by the source ("pararel:...",
    /// "synth:...").</summary>
    [JsonPropertyName(FactColumns.FactId)]
    public string FactId { get; set; } = "";

    /// <summary>
    /// Relation identifier (e.g. the Wikidata property "P36" for ParaRel, or the synthetic relation's name).
    /// </summary>
    [JsonPropertyName(FactColumns.RelationId)]
    public string RelationId { get; set; } = "";

    /// <summary>The subject entity's surface string, as it appears in the prompts.</summary>
    [JsonPropertyName(FactColumns.Subject)]
    public string Subject { get; set; } = "";

    /// <summary>The object, in the source's original case.</summary>
    [JsonPropertyName(FactColumns.Answer)]
    public string Answer { get; set; } = "";

    /// <summary>Other strings accepted as correct: other names of the answer, or other valid objects the source
    /// lists for the same subject, relation and date.</summary>
    [JsonPropertyName(FactColumns.Aliases)]
    public List<string> Aliases { get; set; } = [];

    /// <summary>Training/attribution paraphrases, each ending right before the answer. At least one.</summary>
    [JsonPropertyName(FactColumns.Prompts)]
    public List<string> Prompts { get; set; } = [];

    /// <summary>Paraphrases that also end before the answer but are kept out of training (generalisation
    /// checks).</summary>
    [JsonPropertyName(FactColumns.HeldoutPrompts)]
    public List<string> HeldoutPrompts { get; set; } = [];

    /// <summary>Question forms ("Which team is X a player for?"): the answer does not follow them directly.</summary>
    [JsonPropertyName(FactColumns.QuestionPrompts)]
    public List<string> QuestionPrompts { get; set; } = [];

    /// <summary>Perturbed queries (tokens added, deleted or replaced); parallel to
    /// <see cref="PerturbedKinds"/>.</summary>
    [JsonPropertyName(FactColumns.PerturbedPrompts)]
    public List<string> PerturbedPrompts { get; set; } = [];

    /// <summary>The perturbation of each entry of <see cref="PerturbedPrompts"/>: "add", "delete" or
    /// "replace".</summary>
    [JsonPropertyName(FactColumns.PerturbedKinds)]
    public List<string> PerturbedKinds { get; set; } = [];

    /// <summary>Wrong objects for fact checking; may be empty.</summary>
    [JsonPropertyName(FactColumns.FalseAnswers)]
    public List<string> FalseAnswers { get; set; } = [];

    /// <summary>When the fact holds (TempLAMA year, synthetic year), or null for timeless facts.</summary>
    [JsonPropertyName(FactColumns.Date)]
    public string? Date { get; set; }

    /// <summary>"train", "val", "heldout", ... (see <see cref="FactSplits"/>).</summary>
    [JsonPropertyName(FactColumns.Split)]
    public string Split { get; set; } = FactSplits.Train;

    /// <summary>Where the fact comes from: "pararel", "dai", "templama", "rome", "synthetic", ...</summary>
    [JsonPropertyName(FactColumns.Source)]
    public string Source { get; set; } = "";
}
