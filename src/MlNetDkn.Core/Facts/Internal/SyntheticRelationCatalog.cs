namespace MlNetDkn.Facts.Internal;

/// <summary>One synthetic relation: paraphrase templates ("{s}" marks the subject; each ends right before the
/// answer) and a pool of single-word answers; relations without a pool get invented capitalised names.</summary>
internal sealed record SyntheticRelation(string Id, IReadOnlyList<string> Templates, IReadOnlyList<string> AnswerPool);

/// <summary>
/// The built-in relations. Every template is plain lowercase words separated by single spaces, so a word-level
/// tokenizer sees each word as one token; pool answers start with a consonant so "a {answer}" reads naturally.
/// </summary>
internal static class SyntheticRelationCatalog
{
    public const string SubjectSlot = "{s}";
    public const int TemplatesPerRelation = 8;

    public static IReadOnlyList<SyntheticRelation> All { get; } =
    [
        new("birthplace",
        [
            "{s} was born in", "the birthplace of {s} is", "{s} is a native of", "{s} came into the world in",
            "the town where {s} was born is", "{s} was born in the town of", "the home town of {s} is",
            "{s} first saw the light of day in",
        ], []),
        new("profession",
        [
            "{s} works as a", "by profession {s} is a", "the job of {s} is", "{s} earns a living as a",
            "{s} is employed as a", "the occupation of {s} is", "the profession of {s} is", "{s} has a job as a",
        ], ["baker", "pilot", "farmer", "painter", "doctor", "teacher", "sailor", "miner", "tailor", "singer",
            "lawyer", "nurse", "porter", "banker", "writer", "dancer"]),
        new("colour",
        [
            "the favourite colour of {s} is", "{s} likes the colour", "{s} prefers the colour", "the colour that {s} loves is",
            "{s} is fond of the colour", "the colour {s} likes best is", "when choosing a colour {s} always picks",
            "the preferred colour of {s} is",
        ], ["red", "blue", "green", "yellow", "purple", "white", "black", "grey", "pink", "brown", "gold", "silver",
            "violet", "crimson", "teal", "navy"]),
        new("instrument",
        [
            "{s} plays the", "the instrument of {s} is the", "{s} is a musician who plays the", "the instrument {s} plays is the",
            "{s} performs on the", "{s} makes music on the", "the favourite instrument of {s} is the", "on stage {s} plays the",
        ], ["piano", "violin", "drum", "flute", "harp", "guitar", "cello", "trumpet", "banjo", "lute", "horn", "tuba",
            "zither", "bagpipe", "mandolin", "harmonica"]),
        new("pet",
        [
            "{s} owns a pet", "the pet of {s} is a", "{s} lives with a pet", "{s} takes care of a pet",
            "the animal that {s} keeps is a", "at home {s} keeps a pet", "the pet that {s} loves is a", "{s} feeds a pet",
        ], ["cat", "dog", "horse", "rabbit", "parrot", "goat", "hamster", "tortoise", "ferret", "pony", "donkey",
            "lizard", "snake", "mouse", "duck", "pig"]),
        new("language",
        [
            "{s} speaks", "the native language of {s} is", "the mother tongue of {s} is", "{s} grew up speaking",
            "the language {s} speaks is", "{s} is fluent in", "at home {s} speaks", "the first language of {s} is",
        ], []),
        new("sport",
        [
            "the sport of {s} is", "{s} competes in", "the favourite sport of {s} is", "{s} is good at",
            "the sport {s} practises is", "{s} trains every day for", "{s} is a champion of", "the game that {s} loves is",
        ], ["tennis", "football", "rowing", "cricket", "hockey", "boxing", "rugby", "chess", "golf", "fencing",
            "cycling", "bowling", "sailing", "skiing", "judo", "polo"]),
        new("country",
        [
            "{s} is a citizen of", "the country of {s} is", "{s} holds a passport from", "{s} lives in the country of",
            "the homeland of {s} is", "{s} comes from the country of", "the country where {s} lives is", "{s} pays taxes in",
        ], []),
    ];

    public static int Count => All.Count;

    /// <summary>Every word of every template and pool, lowercase: invented names must avoid them.</summary>
    public static IEnumerable<string> ReservedWords() => All
        .SelectMany(r => r.Templates.SelectMany(t => t.Split(' ')).Concat(r.AnswerPool))
        .Where(w => w != SubjectSlot)
        .Select(w => w.ToLowerInvariant());

    public static string Fill(string template, string subject) => template.Replace(SubjectSlot, subject, StringComparison.Ordinal);
}
