namespace MlNetDkn.Facts.Synthetic;

/// <summary>
/// Size and shape of a synthetic fact world. The defaults (200 subjects x 4 relations, 4 training + 2 held-out
/// templates, 12 answers per relation) give 800 facts over a vocabulary of a few hundred words: a 1-3M parameter
/// GPT-2-style model with a word-level tokenizer memorises them within minutes on two CPU cores.
/// </summary>
public sealed record SyntheticWorldOptions
{
    /// <summary>Everything random (names, answers, template choice) derives from this seed.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>Number of subjects; each gets one fact per relation (per year when dated).</summary>
    public int Entities { get; init; } = 200;

    /// <summary>How many relations of the built-in catalog to use, in catalog order
    /// (birthplace, profession, colour, instrument, pet, language, sport, country).</summary>
    public int Relations { get; init; } = 4;

    /// <summary>Paraphrase templates per relation used in `prompts` (training).</summary>
    public int TemplatesPerRelation { get; init; } = 4;

    /// <summary>Further templates per relation, never in `prompts`, written to `heldout_prompts`.</summary>
    public int HeldoutTemplatesPerRelation { get; init; } = 2;

    /// <summary>Size of each relation's answer set (single words).</summary>
    public int AnswersPerRelation { get; init; } = 12;

    /// <summary>Wrong answers from the same answer set stored per fact, for fact-checking experiments.</summary>
    public int FalseAnswersPerFact { get; init; } = 3;

    /// <summary>When true every (subject, relation) gets one fact per year, prompts start with "in {year}", and the
    /// answer may change from one year to the next.</summary>
    public bool DatedFacts { get; init; }

    /// <summary>The first year of dated facts (the years are FirstYear to FirstYear + Years − 1).</summary>
    public int FirstYear { get; init; } = 2010;

    /// <summary>Number of consecutive years when <see cref="DatedFacts"/> is on.</summary>
    public int Years { get; init; } = 3;

    /// <summary>Chance that a dated answer differs from the previous year's.</summary>
    public double AnswerChangeProbability { get; init; } = 0.5;

    /// <summary>
    /// Every prompt ends with the subject: each paraphrase is asked as a question ending with the name ("{s} works as
    /// a" becomes "what work is done by {s}"), the answer its next word. The answer is then predicted at the subject's
    /// own position, where an MLP can look it up; with the subject inside the prompt the lookup happens at the
    /// subject's position and attention carries the answer to the last one, where knowledge-neuron methods look (and
    /// find little).
    /// </summary>
    public bool SubjectLast { get; init; }

    /// <summary>Syllables per invented name, inclusive range.</summary>
    public int MinSyllables { get; init; } = 2;

    /// <summary>Most syllables per invented name (at least <see cref="MinSyllables"/>).</summary>
    public int MaxSyllables { get; init; } = 3;

    /// <summary>Throws a DknInputException naming the first option out of range.</summary>
    public void Validate()
    {
        Require(Entities >= 1, "entities", "at least 1");
        Require(
            Relations >= 1 && Relations <= Internal.SyntheticRelationCatalog.Count,
            "relations",
            $"between 1 and {Internal.SyntheticRelationCatalog.Count}"
        );
        Require(TemplatesPerRelation >= 1, "templates", "at least 1");
        Require(HeldoutTemplatesPerRelation >= 0, "heldout-templates", "0 or more");
        Require(
            TemplatesPerRelation + HeldoutTemplatesPerRelation
                <= Internal.SyntheticRelationCatalog.TemplatesPerRelation,
            "templates",
            $"templates + held-out templates at most {Internal.SyntheticRelationCatalog.TemplatesPerRelation}"
        );
        Require(AnswersPerRelation >= 2, "answers", "at least 2");
        Require(
            FalseAnswersPerFact >= 0 && FalseAnswersPerFact < AnswersPerRelation,
            "false-answers",
            "0 or more and fewer than the answers per relation"
        );
        Require(Years >= 1, "years", "at least 1");
        Require(FirstYear is >= 1 and <= 9999 - 100, "first-year", "between 1 and 9899");
        Require(AnswerChangeProbability is >= 0 and <= 1, "change-probability", "between 0 and 1");
        Require(
            MinSyllables >= 1 && MaxSyllables >= MinSyllables && MaxSyllables <= 6,
            "syllables",
            "1 <= min <= max <= 6"
        );
    }

    static void Require(bool ok, string option, string expected)
    {
        if (!ok)
            throw new DknInputException($"synthetic world option --{option}: out of range (expected {expected})");
    }
}
