namespace MlNetDkn.Facts.Internal;

/// <summary>
/// Pronounceable invented names ("Talomir", "Bexu") made of consonant-vowel syllables, unique within one generator
/// and never equal (case-insensitively) to a reserved word, so names cannot collide with template or answer words.
/// </summary>
internal sealed class SyllableNameGenerator(
    SplitMix64 random,
    int minSyllables,
    int maxSyllables,
    IEnumerable<string> reserved
)
{
    static readonly string[] Onsets =
    [
        "b",
        "d",
        "f",
        "g",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "br",
        "dr",
        "kr",
        "st",
        "tr",
        "sh",
    ];
    static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ou"];
    static readonly string[] Codas = ["", "", "", "n", "l", "r", "s", "m"];

    readonly HashSet<string> _used = new(reserved.Select(w => w.ToLowerInvariant()), StringComparer.Ordinal);

    public string Next()
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var syllables = minSyllables + random.Next(maxSyllables - minSyllables + 1);
            var chars = new System.Text.StringBuilder();
            for (var s = 0; s < syllables; s++)
            {
                chars.Append(random.Pick(Onsets)).Append(random.Pick(Vowels));
                if (s == syllables - 1)
                    chars.Append(random.Pick(Codas));
            }
            var word = chars.ToString();
            if (_used.Add(word))
                return char.ToUpperInvariant(word[0]) + word[1..];
        }
        throw new DknInputException(
            $"cannot invent enough distinct names with {minSyllables}-{maxSyllables} syllables (ask for fewer "
                + $"entities or more syllables)"
        );
    }
}
