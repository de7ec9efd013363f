using MlNetDkn.Facts.Importers;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Facts.Importers;

/// <summary>Small hand-written raw folders for the cases the published files never hit.</summary>
public class ImporterInputErrorTests
{
    static string Folder(params (string Path, string Text)[] files)
    {
        var root = SharedPaths.TempDir("raw-fixture");
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        return root;
    }

    [Fact]
    public void ParaRelDropsAndCountsARelationWhosePatternsAllPutTheObjectFirst()
    {
        var root = Folder(
            (
                "patterns/P1.jsonl",
                "{\"pattern\": \"[X] works for [Y] .\"}\n{\"pattern\": \"[X] is employed by [Y].\"}\n"
            ),
            ("patterns/P2.jsonl", "{\"pattern\": \"[Y] is the capital of [X] .\"}\n"),
            ("trex/P1.jsonl", "{\"sub_label\": \"Ann\", \"obj_label\": \"IBM\", \"uuid\": \"u1\"}\n"),
            (
                "trex/P2.jsonl",
                "{\"sub_label\": \"France\", \"obj_label\": \"Paris\", \"uuid\": \"u2\"}\n{\"sub_label\": "
                    + "\"Peru\", \"obj_label\": \"Lima\", \"uuid\": \"u3\"}\n"
            )
        );

        var result = new ParaRelImporter().Import(root);

        var fact = Assert.Single(result.Dataset.Records);
        Assert.Equal(["Ann works for", "Ann is employed by"], fact.Prompts);
        Assert.Equal(1, result.Report.DroppedCount("relations", ParaRelImporter.DropNoUsablePattern));
        Assert.Equal(2, result.Report.DroppedCount("facts", ParaRelImporter.DropNoUsablePattern));
        Assert.Equal(1, result.Report.DroppedCount("patterns", ParaRelImporter.DropNotObjectLast));
    }

    [Fact]
    public void ParaRelNamesFileAndLineOfInvalidJson()
    {
        var root = Folder(
            ("patterns/P1.jsonl", "{\"pattern\": \"[X] works for [Y] .\"}\n"),
            (
                "trex/P1.jsonl",
                "{\"sub_label\": \"Ann\", \"obj_label\": \"IBM\", \"uuid\": \"u1\"}\n{\"sub_label\": \"Bo\", \n"
            )
        );

        var e = Assert.Throws<DknInputException>(() => new ParaRelImporter().Import(root));

        Assert.StartsWith($"{Path.Combine(root, "trex", "P1.jsonl")}: line 2: invalid JSON", e.Message);
    }

    [Fact]
    public void ParaRelNamesAMissingField()
    {
        var root = Folder(
            ("patterns/P1.jsonl", "{\"pattern\": \"[X] works for [Y] .\"}\n"),
            ("trex/P1.jsonl", "\n{\"sub_label\": \"Ann\", \"uuid\": \"u1\"}\n")
        );

        var e = Assert.Throws<DknInputException>(() => new ParaRelImporter().Import(root));

        Assert.Equal(
            $"{Path.Combine(root, "trex", "P1.jsonl")}: line 2: missing field 'obj_label' (expected a string)",
            e.Message
        );
    }

    [Fact]
    public void TempLamaMovesClozeParaphrasesToHeldoutPromptsAndQuestionsToQuestionPrompts()
    {
        const string row =
            "{\"query\": \"Ann works for _X_.\", \"answer\": [{\"wikidata_id\": \"Q1\", \"name\": \"IBM\"}], "
            + "\"date\": \"2012\", \"id\": \"Q9_P108_2012\", \"relation\": \"P108\"}";
        var root = Folder(
            ("train.jsonl", row + "\n"),
            ("train_enhance.jsonl", row.Replace("Ann works for _X_.", "Ann is employed by _X_.") + "\n"),
            ("converted_by_gpt4.jsonl", "{\"query\": \"Who employs Ann?\"}\n")
        );

        var result = new TempLamaImporter().Import(root);

        var fact = Assert.Single(result.Dataset.Records);
        Assert.Equal(["In 2012, Ann works for"], fact.Prompts);
        Assert.Equal(["In 2012, Ann is employed by"], fact.HeldoutPrompts);
        Assert.Equal(["In 2012, Who employs Ann?"], fact.QuestionPrompts);
        Assert.Contains(result.Report.Notes, n => n.StartsWith("val.jsonl not found"));
    }

    [Fact]
    public void TempLamaRejectsQuestionFileNotAlignedWithDistinctTrainQueries()
    {
        const string row =
            "{\"query\": \"Ann works for _X_.\", \"answer\": [{\"name\": \"IBM\"}], \"date\": \"2012\", \"id\": "
            + "\"a\", \"relation\": \"P108\"}";
        var root = Folder(
            ("train.jsonl", row + "\n" + row.Replace("\"a\"", "\"b\"").Replace("2012", "2013") + "\n"),
            ("converted_by_gpt4.jsonl", "{\"query\": \"Who employs Ann?\"}\n{\"query\": \"Who else?\"}\n")
        );

        var e = Assert.Throws<DknInputException>(() => new TempLamaImporter().Import(root));

        Assert.Equal(
            $"{Path.Combine(root, "converted_by_gpt4.jsonl")}: 2 questions for 1 distinct train queries (expected "
                + $"one per query, aligned by line)",
            e.Message
        );
    }

    [Fact]
    public void TempLamaCountsQueriesThatDoNotMatchTheirTemplate()
    {
        var root = Folder(
            (
                "train.jsonl",
                "{\"query\": \"Ann works for _X_.\", \"answer\": [{\"name\": \"IBM\"}], \"date\": \"2012\", "
                    + "\"id\": \"a\", \"relation\": \"P108\"}\n"
                    + "{\"query\": \"Ann toils at _X_.\", \"answer\": [{\"name\": \"IBM\"}], \"date\": \"2013\", "
                    + "\"id\": \"b\", \"relation\": \"P108\"}\n"
                    + "{\"query\": \"Ann likes _X_.\", \"answer\": [{\"name\": \"tea\"}], \"date\": \"2013\", "
                    + "\"id\": \"c\", \"relation\": \"P9999\"}\n"
            )
        );

        var report = new TempLamaImporter().Import(root).Report;

        Assert.Equal(1, report.Facts);
        Assert.Equal(1, report.DroppedCount("facts", TempLamaImporter.DropTemplateMismatch));
        Assert.Equal(1, report.DroppedCount("facts", TempLamaImporter.DropUnknownRelation));
    }

    [Fact]
    public void RomeNamesTheItemWithAMissingAttribute()
    {
        var root = Folder(
            (
                RomeImporter.FileName,
                "[{\"known_id\": 0, \"subject\": \"A\", \"attribute\": \"B\", \"prompt\": \"A is in\", "
                    + "\"relation_id\": \"P1\"},"
                    + " {\"known_id\": 1, \"subject\": \"C\", \"prompt\": \"C is in\", \"relation_id\": \"P1\"}]"
            )
        );

        var e = Assert.Throws<DknInputException>(() => new RomeImporter().Import(root));

        Assert.Equal(
            $"{Path.Combine(root, RomeImporter.FileName)}: item 1: missing field 'attribute' (expected a string)",
            e.Message
        );
    }

    [Fact]
    public void UnknownFormatListsTheKnownOnes()
    {
        var e = Assert.Throws<DknInputException>(() => FactImporters.Get("lama"));

        Assert.Equal("unknown dataset format 'lama' (expected one of: pararel, dai, templama, rome)", e.Message);
    }
}
