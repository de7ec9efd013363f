namespace MlNetDkn.Perturbation.Queries;

/// <summary>Which perturbations to draw, how many per fact, and from which random stream.</summary>
public sealed record QueryPerturbationOptions
{
    /// <summary>Kinds drawn for every fact.</summary>
    public IReadOnlyList<PerturbationKind> Kinds { get; init; } =
    [
        PerturbationKind.Replace,
        PerturbationKind.Add,
        PerturbationKind.Delete,
        PerturbationKind.ReplaceWord,
        PerturbationKind.Paraphrase,
    ];

    /// <summary>Perturbations per fact and kind.</summary>
    public int PerFact { get; init; } = 3;

    /// <summary>Seed of every draw (per (fact, kind, draw), or of the authors' stream).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// The authors' stream: one Python <c>random.seed(Seed)</c> per kind (their script runs once per kind), drawn
    /// fact after fact in dataset order, so the perturbation of a fact depends on every fact before it. False (the
    /// default): every (fact, kind, draw) has its own seed, so a fact's perturbations do not depend on which other
    /// facts are in the run.
    /// </summary>
    public bool AuthorsStream { get; init; }

    /// <summary>The literal word a <see cref="PerturbationKind.Replace"/> perturbation puts in place of a
    /// word.</summary>
    public string ReplaceMarker { get; init; } = "[REPLACED]";

    /// <summary>The literal word a <see cref="PerturbationKind.Add"/> perturbation inserts.</summary>
    public string AddMarker { get; init; } = "[ADDED]";

    /// <summary>The authors' <c>interfere_query</c>: replace, add and delete with literal markers, one per fact,
    /// <c>random.seed(42)</c> once per kind.</summary>
    public static QueryPerturbationOptions Authors { get; } =
        new()
        {
            Kinds = [PerturbationKind.Replace, PerturbationKind.Add, PerturbationKind.Delete],
            PerFact = 1,
            Seed = 42,
            AuthorsStream = true,
        };

    /// <summary>Throws <see cref="DknInputException"/> when no kind, a repeated kind, fewer than one per fact, or the
    /// authors' stream with more than one per fact is asked for.</summary>
    public void Validate()
    {
        if (Kinds.Count == 0)
            throw new DknInputException("query perturbation: no kinds given");
        if (Kinds.Distinct().Count() != Kinds.Count)
            throw new DknInputException($"query perturbation: a kind is listed twice ({string.Join(", ", Kinds)})");
        if (PerFact < 1)
            throw new DknInputException(
                $"query perturbation: perturbations per fact must be at least 1, got {PerFact}"
            );
        if (AuthorsStream && PerFact != 1)
            throw new DknInputException(
                "query perturbation: the authors' stream draws one perturbation per fact and kind (per_fact 1)"
            );
    }

    /// <summary>Parses a kind's CLI name: replace, add, delete, replace-word, add-word or paraphrase
    /// (case-insensitive).</summary>
    public static PerturbationKind ParseKind(string text) =>
        text.Trim().ToLowerInvariant() switch
        {
            "replace" => PerturbationKind.Replace,
            "add" => PerturbationKind.Add,
            "delete" => PerturbationKind.Delete,
            "replace-word" => PerturbationKind.ReplaceWord,
            "add-word" => PerturbationKind.AddWord,
            "paraphrase" => PerturbationKind.Paraphrase,
            _ => throw new DknInputException(
                $"unknown perturbation kind '{text}' (expected replace, add, delete, replace-word, add-word or "
                    + $"paraphrase)"
            ),
        };

    /// <summary>The kind's CLI name, the inverse of <see cref="ParseKind"/>.</summary>
    public static string KindName(PerturbationKind kind) =>
        kind switch
        {
            PerturbationKind.ReplaceWord => "replace-word",
            PerturbationKind.AddWord => "add-word",
            _ => kind.ToString().ToLowerInvariant(),
        };
}
