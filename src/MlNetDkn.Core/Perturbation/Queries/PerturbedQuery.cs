namespace MlNetDkn.Perturbation.Queries;

/// <summary>How a query is perturbed.</summary>
public enum PerturbationKind
{
    /// <summary>One word at index 1..n−2 becomes the literal <c>[REPLACED]</c> (the authors' "replace").</summary>
    Replace,

    /// <summary>The literal <c>[ADDED]</c> inserted at index 1..n (the authors' "add").</summary>
    Add,

    /// <summary>One word at index 1..n−2 removed (the authors' "delete").</summary>
    Delete,

    /// <summary>One word at index 1..n−2 replaced by a real word of the dataset's prompts.</summary>
    ReplaceWord,

    /// <summary>A real word of the dataset's prompts inserted at index 1..n.</summary>
    AddWord,

    /// <summary>Another of the fact's prompts (training or held-out paraphrase) instead of the clean one.</summary>
    Paraphrase,
}

/// <summary>
/// One perturbed query, with everything needed to see what changed: the exact strings, which whitespace word was
/// hit (or where a word was inserted), the word removed and the text put in, and whether the subject was touched.
/// </summary>
/// <param name="Draw">0-based number of this perturbation of the fact for this kind.</param>
/// <param name="WordIndex">Index (in the clean query's whitespace words) of the word replaced or deleted, or the
/// insertion index for an added word; −1 for a paraphrase or when nothing could be changed.</param>
/// <param name="Word">The clean query's word that was replaced or deleted (null otherwise).</param>
/// <param name="Replacement">What was put in: the marker, the real word, or the paraphrase (null for a
/// deletion).</param>
/// <param name="HitsSubject">True when the word hit (or the insertion point) lies inside the subject's words.</param>
public sealed record PerturbedQuery(
    string FactId,
    PerturbationKind Kind,
    int Draw,
    string Clean,
    string Perturbed,
    int WordIndex,
    string? Word,
    string? Replacement,
    bool HitsSubject
)
{
    /// <summary>False when the query was too short to perturb (the authors' code then leaves it unchanged).</summary>
    public bool Changed => !string.Equals(Clean, Perturbed, StringComparison.Ordinal);
}
