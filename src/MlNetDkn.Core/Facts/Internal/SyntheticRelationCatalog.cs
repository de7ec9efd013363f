namespace MlNetDkn.Facts.Internal;

/// <summary>One synthetic relation: paraphrase templates ("{s}" marks the subject; each ends right before the
/// answer), the same paraphrases as questions that end with the subject (index for index), and a pool of single-word
/// answers; relations without a pool get invented capitalised names.</summary>
internal sealed record SyntheticRelation(
    string Id,
    IReadOnlyList<string> Templates,
    IReadOnlyList<string> SubjectLastTemplates,
    IReadOnlyList<string> AnswerPool
);

/// <summary>
/// The built-in relations. Every template is plain lowercase words separated by single spaces, so a word-level
/// tokenizer sees each word as one token; pool answers start with a consonant so "a {answer}" reads naturally.
/// English puts the predicate after the subject, so a sentence that ends with the subject cannot go on with the
/// answer; the subject-last forms are therefore questions ("what is the job of {s}" → "baker").
/// </summary>
internal static class SyntheticRelationCatalog
{
    public const string SubjectSlot = "{s}";
    public const int TemplatesPerRelation = 8;

    public static IReadOnlyList<SyntheticRelation> All { get; } =
    [
        new(
            "birthplace",
            [
                "{s} was born in",
                "the birthplace of {s} is",
                "{s} is a native of",
                "{s} came into the world in",
                "the town where {s} was born is",
                "{s} was born in the town of",
                "the home town of {s} is",
                "{s} first saw the light of day in",
            ],
            [
                "which town was the birthplace of {s}",
                "what is the birthplace of {s}",
                "name the native town of {s}",
                "which town saw the birth of {s}",
                "which town is the town of birth of {s}",
                "in which town was the birth of {s}",
                "what is the home town of {s}",
                "where did the light of day first shine on {s}",
            ],
            []
        ),
        new(
            "profession",
            [
                "{s} works as a",
                "by profession {s} is a",
                "the job of {s} is",
                "{s} earns a living as a",
                "{s} is employed as a",
                "the occupation of {s} is",
                "the profession of {s} is",
                "{s} has a job as a",
            ],
            [
                "what work is done by {s}",
                "which trade is practised by {s}",
                "what is the job of {s}",
                "which trade earns a living for {s}",
                "what position is held by {s}",
                "what is the occupation of {s}",
                "what is the profession of {s}",
                "which job was given to {s}",
            ],
            [
                "baker",
                "pilot",
                "farmer",
                "painter",
                "doctor",
                "teacher",
                "sailor",
                "miner",
                "tailor",
                "singer",
                "lawyer",
                "nurse",
                "porter",
                "banker",
                "writer",
                "dancer",
            ]
        ),
        new(
            "colour",
            [
                "the favourite colour of {s} is",
                "{s} likes the colour",
                "{s} prefers the colour",
                "the colour that {s} loves is",
                "{s} is fond of the colour",
                "the colour {s} likes best is",
                "when choosing a colour {s} always picks",
                "the preferred colour of {s} is",
            ],
            [
                "what is the favourite colour of {s}",
                "which colour is liked by {s}",
                "which colour is preferred by {s}",
                "which colour is loved by {s}",
                "which colour is dear to {s}",
                "which colour is liked best by {s}",
                "which colour is always picked by {s}",
                "what is the preferred colour of {s}",
            ],
            [
                "red",
                "blue",
                "green",
                "yellow",
                "purple",
                "white",
                "black",
                "grey",
                "pink",
                "brown",
                "gold",
                "silver",
                "violet",
                "crimson",
                "teal",
                "navy",
            ]
        ),
        new(
            "instrument",
            [
                "{s} plays the",
                "the instrument of {s} is the",
                "{s} is a musician who plays the",
                "the instrument {s} plays is the",
                "{s} performs on the",
                "{s} makes music on the",
                "the favourite instrument of {s} is the",
                "on stage {s} plays the",
            ],
            [
                "which instrument is played by {s}",
                "what is the instrument of {s}",
                "which instrument belongs to the musician {s}",
                "what instrument is in the hands of {s}",
                "which instrument is performed on by {s}",
                "which instrument makes the music of {s}",
                "what is the favourite instrument of {s}",
                "which instrument is heard on stage with {s}",
            ],
            [
                "piano",
                "violin",
                "drum",
                "flute",
                "harp",
                "guitar",
                "cello",
                "trumpet",
                "banjo",
                "lute",
                "horn",
                "tuba",
                "zither",
                "bagpipe",
                "mandolin",
                "harmonica",
            ]
        ),
        new(
            "pet",
            [
                "{s} owns a pet",
                "the pet of {s} is a",
                "{s} lives with a pet",
                "{s} takes care of a pet",
                "the animal that {s} keeps is a",
                "at home {s} keeps a pet",
                "the pet that {s} loves is a",
                "{s} feeds a pet",
            ],
            [
                "which pet is owned by {s}",
                "what is the pet of {s}",
                "which pet lives with {s}",
                "which pet is cared for by {s}",
                "which animal is kept by {s}",
                "which pet is kept at home by {s}",
                "which pet is loved by {s}",
                "which pet is fed by {s}",
            ],
            [
                "cat",
                "dog",
                "horse",
                "rabbit",
                "parrot",
                "goat",
                "hamster",
                "tortoise",
                "ferret",
                "pony",
                "donkey",
                "lizard",
                "snake",
                "mouse",
                "duck",
                "pig",
            ]
        ),
        new(
            "language",
            [
                "{s} speaks",
                "the native language of {s} is",
                "the mother tongue of {s} is",
                "{s} grew up speaking",
                "the language {s} speaks is",
                "{s} is fluent in",
                "at home {s} speaks",
                "the first language of {s} is",
            ],
            [
                "which language is spoken by {s}",
                "what is the native language of {s}",
                "what is the mother tongue of {s}",
                "which language was heard in the childhood of {s}",
                "what language does one hear from {s}",
                "which language is mastered by {s}",
                "which language is spoken at home by {s}",
                "what is the first language of {s}",
            ],
            []
        ),
        new(
            "sport",
            [
                "the sport of {s} is",
                "{s} competes in",
                "the favourite sport of {s} is",
                "{s} is good at",
                "the sport {s} practises is",
                "{s} trains every day for",
                "{s} is a champion of",
                "the game that {s} loves is",
            ],
            [
                "what is the sport of {s}",
                "which sport counts among its players {s}",
                "what is the favourite sport of {s}",
                "which sport is a strength of {s}",
                "which sport is practised by {s}",
                "which sport is trained for every day by {s}",
                "which sport has as its champion {s}",
                "which game is loved by {s}",
            ],
            [
                "tennis",
                "football",
                "rowing",
                "cricket",
                "hockey",
                "boxing",
                "rugby",
                "chess",
                "golf",
                "fencing",
                "cycling",
                "bowling",
                "sailing",
                "skiing",
                "judo",
                "polo",
            ]
        ),
        new(
            "country",
            [
                "{s} is a citizen of",
                "the country of {s} is",
                "{s} holds a passport from",
                "{s} lives in the country of",
                "the homeland of {s} is",
                "{s} comes from the country of",
                "the country where {s} lives is",
                "{s} pays taxes in",
            ],
            [
                "which country has as a citizen {s}",
                "what is the country of {s}",
                "which country issued the passport of {s}",
                "which country is the home of {s}",
                "what is the homeland of {s}",
                "which country is the origin of {s}",
                "which country counts among its people {s}",
                "which country collects the taxes of {s}",
            ],
            []
        ),
    ];

    public static int Count => All.Count;

    /// <summary>Every word of every template and pool, lowercase: invented names must avoid them.</summary>
    public static IEnumerable<string> ReservedWords() =>
        All.SelectMany(r =>
                r.Templates.Concat(r.SubjectLastTemplates).SelectMany(t => t.Split(' ')).Concat(r.AnswerPool)
            )
            .Where(w => w != SubjectSlot)
            .Select(w => w.ToLowerInvariant());

    public static string Fill(string template, string subject) =>
        template.Replace(SubjectSlot, subject, StringComparison.Ordinal);
}
