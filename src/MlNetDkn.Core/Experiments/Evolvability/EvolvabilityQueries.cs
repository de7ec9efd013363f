using MlNetDkn.Facts;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>A query set: encoded prompts with the fact each belongs to, so scores can be taken per fact (the
/// unit).</summary>
public sealed record QuerySet(
    string Name,
    IReadOnlyList<(long[] Prompt, long[] Answer)> Items,
    IReadOnlyList<int> Fact,
    IReadOnlyList<string> FactIds
)
{
    /// <summary>A named set from each fact's encoded (prompt, answer) items; facts without items are left
    /// out.</summary>
    public static QuerySet Of(string name, IEnumerable<(string FactId, IEnumerable<(long[], long[])> Items)> facts)
    {
        var items = new List<(long[], long[])>();
        var fact = new List<int>();
        var ids = new List<string>();
        foreach (var (id, encoded) in facts)
        {
            int before = items.Count;
            items.AddRange(encoded);
            if (items.Count == before)
                continue;
            fact.AddRange(Enumerable.Repeat(ids.Count, items.Count - before));
            ids.Add(id);
        }
        return new(name, items, fact, ids);
    }
}

/// <summary>
/// E1's query sets, fixed before any training. Updated facts: every training paraphrase but the last is trained on and
/// scored (Q_new, training prompts), the last is the validation prompt (chooses the learning rate), the held-out
/// paraphrases are Q_au (Q_new on prompts never trained on). Unrelated old facts (subjects not updated), in seeded
/// order: the first <see cref="EvolvabilityOptions.RetentionValidationFacts"/> validate the learning rate, the next
/// <see cref="EvolvabilityOptions.RetentionFacts"/> are Q_old; a shortfall is stated in <see cref="Notes"/>.
/// </summary>
public sealed record EvolvabilityQueries(
    QuerySet Train,
    QuerySet Validation,
    QuerySet Paraphrases,
    QuerySet RetentionValidation,
    QuerySet Retention,
    IReadOnlyList<string> Notes
)
{
    /// <summary>Builds the query sets; <paramref name="encode"/> turns (prompt, answer) into token ids.</summary>
    public static EvolvabilityQueries Build(
        IReadOnlyList<FactRecord> updated,
        IReadOnlyList<OldFact> oldFacts,
        EvolvabilityOptions options,
        Func<string, string, (long[], long[])> encode
    )
    {
        var train = QuerySet.Of(
            "Q_new",
            updated.Select(u => (u.FactId, u.Prompts.Take(u.Prompts.Count - 1).Select(p => encode(p, u.Answer))))
        );
        var validation = QuerySet.Of(
            "validation",
            updated.Select(u => (u.FactId, (IEnumerable<(long[], long[])>)[encode(u.Prompts[^1], u.Answer)]))
        );
        var paraphrases = QuerySet.Of(
            "Q_au",
            updated.Select(u => (u.FactId, u.HeldoutPrompts.Select(p => encode(p, u.Answer))))
        );
        var subjects = updated.Select(u => u.Subject).ToHashSet(StringComparer.Ordinal);
        var unrelated = oldFacts
            .Where(f => !subjects.Contains(f.Fact.Subject) && f.Fact.Prompts.Count > 0)
            .OrderBy(f => ContentHashing.Sha256OfText($"{options.Seed}\u001f{f.Fact.FactId}"), StringComparer.Ordinal)
            .ToList();
        QuerySet Old(string name, IEnumerable<OldFact> facts) =>
            QuerySet.Of(
                name,
                facts.Select(f =>
                    (f.Fact.FactId, (IEnumerable<(long[], long[])>)[encode(f.Fact.Prompts[0], f.Fact.Answer)])
                )
            );
        var retentionValidation = Old("Q_old validation", unrelated.Take(options.RetentionValidationFacts));
        var retention = Old("Q_old", unrelated.Skip(options.RetentionValidationFacts).Take(options.RetentionFacts));
        var notes = new List<string>();
        int wanted = options.RetentionValidationFacts + options.RetentionFacts;
        if (unrelated.Count < wanted)
            notes.Add(
                $"Q_old has {retention.FactIds.Count} of the {options.RetentionFacts} facts requested: only "
                    + $"{unrelated.Count} input facts have a subject "
                    + $"that was not updated, and {retentionValidation.FactIds.Count} of them are kept apart to "
                    + $"choose the learning rate"
            );
        int dropped = updated.Count(u => u.HeldoutPrompts.Count == 0);
        if (dropped > 0)
            notes.Add(
                $"Q_au covers {paraphrases.FactIds.Count} of {updated.Count} updated facts: {dropped} have no "
                    + $"held-out paraphrase"
            );
        return new(train, validation, paraphrases, retentionValidation, retention, notes);
    }
}
