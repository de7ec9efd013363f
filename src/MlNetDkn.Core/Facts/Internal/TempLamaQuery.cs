namespace MlNetDkn.Facts.Internal;

/// <summary>
/// TempLAMA's one cloze template per relation ("{S} plays for _X_."), used to recover the subject and to build the
/// prompt the DKN authors used: "In {year}, " + query with "_X_." removed, stripped. Three relations put the object
/// first ("_X_ is the chair of {S}."); those are rewritten so the answer comes last ("the chair of {S} is").
/// </summary>
internal static class TempLamaQuery
{
    public const string Slot = "_X_";
    const string SubjectSlot = "{S}";
    const string ObjectFirstLead = Slot + " is ";

    static readonly Dictionary<string, string> Templates = new(StringComparer.Ordinal)
    {
        ["P54"] = "{S} plays for _X_.",
        ["P39"] = "{S} holds the position of _X_.",
        ["P69"] = "{S} attended _X_.",
        ["P102"] = "{S} is a member of the _X_.",
        ["P108"] = "{S} works for _X_.",
        ["P127"] = "{S} is owned by _X_.",
        ["P6"] = "_X_ is the head of the government of {S}.",
        ["P286"] = "_X_ is the head coach of {S}.",
        ["P488"] = "_X_ is the chair of {S}.",
    };

    public static bool IsKnownRelation(string relation) => Templates.ContainsKey(relation);

    public static bool IsObjectFirst(string relation) =>
        Templates.TryGetValue(relation, out var t) && t.StartsWith(Slot, StringComparison.Ordinal);

    /// <summary>The subject, or null when the query does not match its relation's template.</summary>
    public static string? Subject(string relation, string query)
    {
        if (!Templates.TryGetValue(relation, out var template))
            return null;
        var at = template.IndexOf(SubjectSlot, StringComparison.Ordinal);
        string prefix = template[..at],
            suffix = template[(at + SubjectSlot.Length)..];
        if (
            query.Length <= prefix.Length + suffix.Length
            || !query.StartsWith(prefix, StringComparison.Ordinal)
            || !query.EndsWith(suffix, StringComparison.Ordinal)
        )
            return null;
        return query[prefix.Length..^suffix.Length];
    }

    /// <summary>The prompt for a query that matched its template: object-last queries exactly as the authors built
    /// them, object-first ones rewritten to end before the object.</summary>
    public static string Prompt(string relation, string subject, string query, string date)
    {
        var template = Templates[relation];
        if (!template.StartsWith(Slot, StringComparison.Ordinal))
            return YearPrefix(date) + RemoveFinalSlot(query);
        // "_X_ is the chair of {S}." -> "the chair of {S} is"
        var role = template[ObjectFirstLead.Length..]
            .TrimEnd('.')
            .Replace(SubjectSlot, subject, StringComparison.Ordinal);
        return YearPrefix(date) + role + " is";
    }

    /// <summary>A paraphrase that ends with the slot ("... plays for _X_.") as a prompt, or null for questions and
    /// anything else the answer does not directly follow.</summary>
    public static string? ClozeParaphrase(string paraphrase, string date)
    {
        var text = paraphrase.Trim();
        return text.EndsWith(Slot + ".", StringComparison.Ordinal) || text.EndsWith(Slot, StringComparison.Ordinal)
            ? YearPrefix(date) + RemoveFinalSlot(text)
            : null;
    }

    public static string YearPrefix(string date) => $"In {date}, ";

    static string RemoveFinalSlot(string query) =>
        query.Replace(Slot + ".", "", StringComparison.Ordinal).Replace(Slot, "", StringComparison.Ordinal).Trim();
}
