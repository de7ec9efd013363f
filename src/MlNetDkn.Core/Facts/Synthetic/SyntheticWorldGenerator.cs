using System.Globalization;
using MlNetDkn.Facts.Internal;

namespace MlNetDkn.Facts.Synthetic;

/// <summary>
/// Builds a small invented world of facts that a tiny model can memorise: subjects with invented names, relations
/// from a built-in catalog, each with training paraphrases (`prompts`) and held-out paraphrases never trained on
/// (`heldout_prompts`). Every prompt and answer is plain space-separated words. The same options (seed included)
/// always give the same rows, hence byte-identical Parquet.
/// </summary>
public static class SyntheticWorldGenerator
{
    /// <summary>Value of <see cref="FactRecord.Source"/> for every generated fact.</summary>
    public const string Source = "synthetic";

    /// <summary>Generates the world the options describe; the same options always give the same rows.</summary>
    /// <exception cref="DknInputException">An option is out of range.</exception>
    public static FactDataset Generate(SyntheticWorldOptions options)
    {
        options.Validate();
        // Fixed draw order (names, then per relation answers and templates, then facts) keeps worlds reproducible.
        var random = new SplitMix64(unchecked((ulong)options.Seed));
        var names = new SyllableNameGenerator(
            random,
            options.MinSyllables,
            options.MaxSyllables,
            SyntheticRelationCatalog.ReservedWords()
        );
        var subjects = Enumerable.Range(0, options.Entities).Select(_ => names.Next()).ToList();

        var relations = SyntheticRelationCatalog
            .All.Take(options.Relations)
            .Select(r => PrepareRelation(r, options, random, names))
            .ToList();

        var records = new List<FactRecord>();
        foreach (var relation in relations)
            for (var s = 0; s < subjects.Count; s++)
                records.AddRange(FactsFor(relation, subjects[s], s, options, random));
        return new FactDataset(records, "synthetic world");
    }

    sealed record PreparedRelation(
        string Id,
        List<string> Answers,
        List<string> TrainTemplates,
        List<string> HeldoutTemplates
    );

    static PreparedRelation PrepareRelation(
        SyntheticRelation relation,
        SyntheticWorldOptions options,
        SplitMix64 random,
        SyllableNameGenerator names
    )
    {
        var pool = relation.AnswerPool.ToList();
        random.Shuffle(pool);
        var answers = pool.Take(options.AnswersPerRelation).ToList();
        while (answers.Count < options.AnswersPerRelation)
            answers.Add(names.Next());

        // Paraphrase k's sentence and question form stay together; the subject-last option picks the question.
        var source = options.SubjectLast ? relation.SubjectLastTemplates : relation.Templates;
        var templates = source.ToList();
        random.Shuffle(templates);
        return new PreparedRelation(
            relation.Id,
            answers,
            templates.Take(options.TemplatesPerRelation).ToList(),
            templates.Skip(options.TemplatesPerRelation).Take(options.HeldoutTemplatesPerRelation).ToList()
        );
    }

    static IEnumerable<FactRecord> FactsFor(
        PreparedRelation relation,
        string subject,
        int subjectIndex,
        SyntheticWorldOptions options,
        SplitMix64 random
    )
    {
        var baseId = $"synth:{relation.Id}:{subjectIndex.ToString("D4", CultureInfo.InvariantCulture)}";
        var answer = random.Pick(relation.Answers);
        if (!options.DatedFacts)
        {
            yield return Fact(baseId, relation, subject, answer, null, "", options, random);
            yield break;
        }
        for (var y = 0; y < options.Years; y++)
        {
            if (y > 0 && random.NextDouble() < options.AnswerChangeProbability)
                answer = PickOther(relation.Answers, [answer], random);
            var year = (options.FirstYear + y).ToString(CultureInfo.InvariantCulture);
            yield return Fact($"{baseId}:{year}", relation, subject, answer, year, $"in {year} ", options, random);
        }
    }

    static FactRecord Fact(
        string id,
        PreparedRelation relation,
        string subject,
        string answer,
        string? date,
        string prefix,
        SyntheticWorldOptions options,
        SplitMix64 random
    )
    {
        var wrong = new List<string>();
        for (var i = 0; i < options.FalseAnswersPerFact; i++)
            wrong.Add(PickOther(relation.Answers, [answer, .. wrong], random));
        return new FactRecord
        {
            FactId = id,
            RelationId = relation.Id,
            Subject = subject,
            Answer = answer,
            Prompts = relation.TrainTemplates.Select(t => prefix + SyntheticRelationCatalog.Fill(t, subject)).ToList(),
            HeldoutPrompts = relation
                .HeldoutTemplates.Select(t => prefix + SyntheticRelationCatalog.Fill(t, subject))
                .ToList(),
            FalseAnswers = wrong,
            Date = date,
            Split = FactSplits.Train,
            Source = Source,
        };
    }

    static string PickOther(List<string> answers, List<string> excluded, SplitMix64 random)
    {
        var candidates = answers.Where(a => !excluded.Contains(a)).ToList();
        return random.Pick(candidates);
    }
}
