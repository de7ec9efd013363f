using MlNetDkn.Facts;
using MlNetDkn.Facts.Importers;

namespace MlNetDkn.Tests.Facts.Importers;

public class TempLamaImporterTests
{
    static readonly Lazy<FactImportResult> Imported = new(() => new TempLamaImporter().Import(RawDatasets.TempLama));

    static FactRecord Fact(string id) => Imported.Value.Dataset.Records.Single(r => r.FactId == "templama:" + id);

    [Fact]
    public void ImportEveryTrainAndValRow()
    {
        var trainRows = RawDatasets.JsonLines(Path.Combine(RawDatasets.TempLama, "train.jsonl")).Count();
        var valRows = RawDatasets.JsonLines(Path.Combine(RawDatasets.TempLama, "val.jsonl")).Count();

        var report = Imported.Value.Report;

        Assert.Equal(10_693, trainRows);
        Assert.Equal(4_654, valRows);
        Assert.Equal(new Dictionary<string, int> { ["train"] = trainRows, ["val"] = valRows }, report.FactsBySplit);
        Assert.Equal(9, report.Relations);
        Assert.Empty(report.Dropped);
    }

    [Fact]
    public void BuildPromptsAsTheAuthorsDidAndRewriteObjectFirstQueries()
    {
        var rossi = Fact("Q169814_P54_2010");
        var objectFirst = Imported.Value.Dataset.Records.Where(r => r.RelationId is "P6" or "P286" or "P488").ToList();

        Assert.Equal(["In 2010, Valentino Rossi plays for"], rossi.Prompts);
        Assert.Equal("Valentino Rossi", rossi.Subject);
        Assert.Equal("Yamaha Motor Racing", rossi.Answer);
        Assert.Equal("2010", rossi.Date);
        // 2,832 train (method.md §1.4) + 343 + 388 + 335 val object-first rows (per-relation counts, method.md §5).
        Assert.Equal(2_832 + 1_066, objectFirst.Count);
        Assert.Contains("3,898 object-first queries", string.Join("\n", Imported.Value.Report.Notes));
        Assert.All(objectFirst, r =>
        {
            var prompt = Assert.Single(r.Prompts);
            Assert.EndsWith(" is", prompt);
            Assert.DoesNotContain("_X_", prompt);
            Assert.Contains(r.Subject, prompt);
        });
        var chair = objectFirst.First(r => r.RelationId == "P488");
        Assert.Equal($"In {chair.Date}, the chair of {chair.Subject} is", chair.Prompts[0]);
    }

    [Fact]
    public void KeepEveryAnswerNameWithTheFirstAsAnswer()
    {
        var buffon = Fact("Q68060_P54_2010");

        Assert.Equal(FactSplits.Validation, buffon.Split);
        Assert.Equal("Juventus FC", buffon.Answer);
        Assert.Equal(["Italy national association football team"], buffon.Aliases);
    }

    [Fact]
    public void AttachQuestionParaphrasesFalseAnswersAndPerturbedQueriesToTrainFacts()
    {
        var rossi = Fact("Q169814_P54_2010");
        var records = Imported.Value.Dataset.Records;
        var perturbedRows = new[] { "add", "delete", "replace" }.Sum(k =>
            RawDatasets.JsonLines(Path.Combine(RawDatasets.TempLama, $"perturbed_{k}.jsonl")).Count()
        );

        Assert.Equal(["In 2010, Which team is Valentino Rossi a player for?"], rossi.QuestionPrompts);
        Assert.Equal(["Ducati Motor Holding S.p.A."], rossi.FalseAnswers);
        Assert.All(records.Where(r => r.Split == FactSplits.Train), r => Assert.NotEmpty(r.QuestionPrompts));
        Assert.All(records.Where(r => r.Split == FactSplits.Validation), r => Assert.Empty(r.QuestionPrompts));
        Assert.All(records, r => Assert.DoesNotContain(r.Answer, r.FalseAnswers));
        Assert.Equal(15 + 27 + 36, perturbedRows);
        Assert.Equal(perturbedRows, records.Sum(r => r.PerturbedPrompts.Count));
        Assert.Equal(15, records.Sum(r => r.PerturbedKinds.Count(k => k == "add")));
    }

    [Fact]
    public void RemoveFalseAnswersThatTheRowListsAsValid()
    {
        // 16,069 wrong objects in wrong_facts_train.jsonl; 1,647 of them are in the same row's answer list
        // (python3: sum(w in names for each uuid)), so 14,422 remain.
        var records = Imported.Value.Dataset.Records;

        Assert.Equal(16_069 - 1_647, records.Sum(r => r.FalseAnswers.Count));
        Assert.All(records, r => Assert.Empty(r.FalseAnswers.Intersect(r.Aliases)));
    }
}
