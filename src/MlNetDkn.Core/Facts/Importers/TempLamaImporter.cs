using MlNetDkn.Facts.Internal;

namespace MlNetDkn.Facts.Importers;

/// <summary>
/// TempLAMA (Dhingra et al. 2022) as the DKN authors used it. Prompt: "In {year}, " + query without "_X_.";
/// object-first queries (P6, P286, P488) rewritten to "In {year}, the chair of {S} is". Answer: answer[0].name, the
/// other names as aliases. Train rows also get: the aligned GPT-4 question (converted_by_gpt4.jsonl, one line per
/// distinct train query in order of first appearance) and the row's train_enhance.jsonl paraphrase as
/// question_prompts ("In {year}, " + question; cloze-style paraphrases would go to heldout_prompts); false answers
/// from wrong_facts_train.jsonl, minus any the row itself lists as valid; the perturbed queries of
/// perturbed_{add,delete,replace}.jsonl as perturbed_prompts. Ids are "templama:{id}"; splits "train" and "val".
/// Every file but train.jsonl is optional; a missing one is reported in the notes.
/// </summary>
public sealed class TempLamaImporter : IFactImporter
{
    /// <summary>
    /// Drop reason (unit "facts"): the row's relation is not one of the TempLAMA relations with a known template.
    /// </summary>
    public const string DropUnknownRelation = "relation has no known TempLAMA template";

    /// <summary>Drop reason (unit "facts"): the query does not have its relation's template shape.</summary>
    public const string DropTemplateMismatch = "query does not match its relation's template";

    /// <summary>Drop reason (unit "facts"): the row's answer list is empty.</summary>
    public const string DropEmptyAnswer = "no answer";

    /// <summary>The perturbation kinds, each read from perturbed_{kind}.jsonl and stored in perturbed_kinds.</summary>
    public static readonly string[] PerturbationKinds = ["add", "delete", "replace"];

    /// <inheritdoc/>
    public string Format => "templama";

    /// <inheritdoc/>
    public string Description =>
        "train.jsonl and val.jsonl ({query, answer:[{name}], date, id, relation}), optional "
        + "converted_by_gpt4.jsonl, train_enhance.jsonl, wrong_facts_train.jsonl, perturbed_{add,delete,replace}.jsonl";

    sealed record RawRow(string Query, List<string> Names, string Date, string Id, string Relation);

    /// <inheritdoc/>
    public FactImportResult Import(string inputFolder)
    {
        var notes = new List<string>();
        var drops = new Dictionary<(string, string), int>();
        void Drop(string reason) => drops[("facts", reason)] = drops.GetValueOrDefault(("facts", reason)) + 1;
        string? Optional(string name)
        {
            var path = Path.Combine(inputFolder, name);
            if (File.Exists(path))
                return path;
            notes.Add($"{name} not found: its column stays empty");
            return null;
        }

        var trainPath = Path.Combine(inputFolder, "train.jsonl");
        var train = ReadRows(trainPath);
        var valPath = Optional("val.jsonl");
        var val = valPath is null ? [] : ReadRows(valPath);

        var questionsByQuery = ReadAlignedQuestions(Optional("converted_by_gpt4.jsonl"), train);
        var paraphraseById = ReadQueriesById(Optional("train_enhance.jsonl"));
        var wrongById = ReadWrongFacts(Optional("wrong_facts_train.jsonl"));
        var perturbedById = new Dictionary<string, List<(string Kind, string Query)>>(StringComparer.Ordinal);
        foreach (var kind in PerturbationKinds)
        foreach (var (id, entries) in ReadQueriesById(Optional($"perturbed_{kind}.jsonl")) ?? [])
        {
            if (!perturbedById.TryGetValue(id, out var list))
                perturbedById[id] = list = [];
            list.AddRange(entries.Select(e => (kind, e.Query)));
        }

        int rewritten = 0,
            falseRemoved = 0,
            withQuestions = 0,
            withPerturbed = 0;
        var records = new List<FactRecord>();
        foreach (var (rows, split) in new[] { (train, FactSplits.Train), (val, FactSplits.Validation) })
        foreach (var row in rows)
        {
            if (!TempLamaQuery.IsKnownRelation(row.Relation))
            {
                Drop(DropUnknownRelation);
                continue;
            }
            var subject = TempLamaQuery.Subject(row.Relation, row.Query);
            if (subject is null)
            {
                Drop(DropTemplateMismatch);
                continue;
            }
            if (row.Names.Count == 0)
            {
                Drop(DropEmptyAnswer);
                continue;
            }
            if (TempLamaQuery.IsObjectFirst(row.Relation))
                rewritten++;

            var record = new FactRecord
            {
                FactId = "templama:" + row.Id,
                RelationId = row.Relation,
                Subject = subject,
                Answer = row.Names[0],
                Aliases = OrderedDistinct.Of(row.Names, row.Names[0]),
                Prompts = [TempLamaQuery.Prompt(row.Relation, subject, row.Query, row.Date)],
                Date = row.Date,
                Split = split,
                Source = Format,
            };
            if (split == FactSplits.Train)
            {
                var paraphrases = new List<string>();
                if (questionsByQuery.TryGetValue(row.Query, out var q))
                    paraphrases.Add(q);
                if (paraphraseById?.TryGetValue(row.Id, out var p) == true)
                    paraphrases.AddRange(p.Select(x => x.Query));
                AddParaphrases(record, paraphrases, row.Date);
                if (record.QuestionPrompts.Count + record.HeldoutPrompts.Count > 0)
                    withQuestions++;

                if (wrongById.TryGetValue(row.Id, out var wrong))
                {
                    record.FalseAnswers = OrderedDistinct.Of(wrong, [.. row.Names]);
                    falseRemoved += wrong.Count(w => row.Names.Contains(w, StringComparer.Ordinal));
                }
                if (perturbedById.TryGetValue(row.Id, out var perturbed))
                {
                    record.PerturbedKinds = perturbed.Select(x => x.Kind).ToList();
                    record.PerturbedPrompts = perturbed.Select(x => x.Query).ToList();
                    withPerturbed++;
                }
            }
            records.Add(record);
        }

        notes.Add($"{rewritten:N0} object-first queries (P6, P286, P488) rewritten to end before the answer");
        notes.Add($"{withQuestions:N0} train facts with question paraphrases");
        notes.Add($"{falseRemoved:N0} false answers removed because the row lists them as valid answers");
        notes.Add($"{withPerturbed:N0} train facts with perturbed queries");
        var dataset = new FactDataset(records, inputFolder);
        return new FactImportResult(
            dataset,
            FactImportReport.For(
                Format,
                dataset,
                drops.Select(d => new FactImportDrop(d.Key.Item1, d.Key.Item2, d.Value)),
                notes
            )
        );
    }

    static void AddParaphrases(FactRecord record, IEnumerable<string> paraphrases, string date)
    {
        var cloze = new List<string>();
        var questions = new List<string>();
        foreach (var text in paraphrases)
        {
            if (TempLamaQuery.ClozeParaphrase(text, date) is { } prompt)
                cloze.Add(prompt);
            else
                questions.Add(TempLamaQuery.YearPrefix(date) + text.Trim());
        }
        record.HeldoutPrompts = OrderedDistinct.Of(cloze, [.. record.Prompts]);
        record.QuestionPrompts = OrderedDistinct.Of(questions);
    }

    static List<RawRow> ReadRows(string path) =>
        JsonInput
            .ReadLines(path)
            .Select(l =>
            {
                var where = JsonInput.Line(l.Line);
                var names = JsonInput
                    .RequireArray(l.Value, "answer", path, where)
                    .EnumerateArray()
                    .Select(a => JsonInput.RequireString(a, "name", path, where))
                    .ToList();
                return new RawRow(
                    JsonInput.RequireString(l.Value, "query", path, where),
                    names,
                    JsonInput.RequireString(l.Value, "date", path, where),
                    JsonInput.RequireString(l.Value, "id", path, where),
                    JsonInput.RequireString(l.Value, "relation", path, where)
                );
            })
            .ToList();

    /// <summary>converted_by_gpt4.jsonl has one question per distinct train query, in order of first
    /// appearance.</summary>
    static Dictionary<string, string> ReadAlignedQuestions(string? path, List<RawRow> train)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null)
            return result;
        var distinctQueries = train.Select(r => r.Query).Distinct(StringComparer.Ordinal).ToList();
        var questions = JsonInput
            .ReadLines(path)
            .Select(l => JsonInput.RequireString(l.Value, "query", path, JsonInput.Line(l.Line)))
            .ToList();
        if (questions.Count != distinctQueries.Count)
            throw new DknInputException(
                $"{path}: {questions.Count} questions for {distinctQueries.Count} distinct train queries (expected "
                    + $"one per query, aligned by line)"
            );
        for (var i = 0; i < questions.Count; i++)
            result[distinctQueries[i]] = questions[i];
        return result;
    }

    /// <summary>The queries of a file with TempLAMA rows (train_enhance, perturbed_*), grouped by id in file
    /// order.</summary>
    static Dictionary<string, List<(string Id, string Query)>>? ReadQueriesById(string? path) =>
        path is null
            ? null
            : JsonInput
                .ReadLines(path)
                .Select(l =>
                    (
                        Id: JsonInput.RequireString(l.Value, "id", path, JsonInput.Line(l.Line)),
                        Query: JsonInput.RequireString(l.Value, "query", path, JsonInput.Line(l.Line))
                    )
                )
                .GroupBy(x => x.Id, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    static Dictionary<string, List<string>> ReadWrongFacts(string? path) =>
        path is null
            ? new()
            : JsonInput
                .ReadLines(path)
                .ToDictionary(
                    l => JsonInput.RequireString(l.Value, "uuid", path, JsonInput.Line(l.Line)),
                    l => JsonInput.RequireStringArray(l.Value, "wrong_fact", path, JsonInput.Line(l.Line)),
                    StringComparer.Ordinal
                );
}
