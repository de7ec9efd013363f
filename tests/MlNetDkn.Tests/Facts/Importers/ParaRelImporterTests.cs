using System.Text.RegularExpressions;
using MlNetDkn.Facts.Importers;

namespace MlNetDkn.Tests.Facts.Importers;

public class ParaRelImporterTests
{
    static readonly Lazy<FactImportResult> Imported = new(() => new ParaRelImporter().Import(RawDatasets.ParaRel));

    // A second route to "usable": a regex on the raw text, not ClozePattern's string surgery.
    static readonly Regex ObjectLast = new(@"\[Y\]\s*\.?\s*$");

    [Fact]
    public void KeepEveryFactOfRelationsWithAUsablePattern()
    {
        var patternFiles = Directory
            .GetFiles(Path.Combine(RawDatasets.ParaRel, "patterns"), "*.jsonl")
            .ToDictionary(
                f => Path.GetFileNameWithoutExtension(f)!,
                f => RawDatasets.JsonLines(f).Select(p => p.Str("pattern")).ToList()
            );
        var expectedFacts = Directory
            .GetFiles(Path.Combine(RawDatasets.ParaRel, "trex"), "*.jsonl")
            .Where(f =>
                patternFiles.TryGetValue(Path.GetFileNameWithoutExtension(f), out var ps) && ps.Any(ObjectLast.IsMatch)
            )
            .Sum(f => RawDatasets.JsonLines(f).Count());

        var report = Imported.Value.Report;

        // 27,610 also checked by hand: python3, sum of trex line counts over relations that have a pattern file.
        Assert.Equal(27_610, expectedFacts);
        Assert.Equal(expectedFacts, report.Facts);
        Assert.Equal(39, report.Relations);
        Assert.Equal(new Dictionary<string, int> { ["train"] = 27_610 }, report.FactsBySplit);
    }

    [Fact]
    public void CountPatternsAndRelationsItDrops()
    {
        var patterns = Directory
            .GetFiles(Path.Combine(RawDatasets.ParaRel, "patterns"), "*.jsonl")
            .SelectMany(RawDatasets.JsonLines)
            .Select(p => p.Str("pattern"))
            .ToList();

        var report = Imported.Value.Report;

        // 329 patterns, 214 end with [Y] (the raw README's numbers; python3 re.match(r'.*\[Y\]\s*\.?\s*$') agrees).
        Assert.Equal(329, patterns.Count);
        Assert.Equal(329 - 214, patterns.Count(p => !ObjectLast.IsMatch(p)));
        Assert.Equal(115, report.DroppedCount("patterns", ParaRelImporter.DropNotObjectLast));
        // P31 and P527 have T-REx tuples but no pattern file: 29,411 - 27,610 = 1,801 facts.
        Assert.Equal(2, report.DroppedCount("relations", ParaRelImporter.DropNoPatternFile));
        Assert.Equal(1_801, report.DroppedCount("facts", ParaRelImporter.DropNoPatternFile));
        Assert.Equal(0, report.DroppedCount("relations", ParaRelImporter.DropNoUsablePattern));
    }

    [Fact]
    public void GiveEachFactEveryDistinctObjectLastParaphraseCutBeforeTheObject()
    {
        var records = Imported.Value.Dataset.Records;
        var eibenstock = records.Single(r => r.FactId == "pararel:75e6e7c3-9697-4ad1-b805-5f79f52e8255");

        Assert.Equal("P17", eibenstock.RelationId);
        Assert.Equal("Germany", eibenstock.Answer);
        Assert.Equal("Eibenstock is located in", eibenstock.Prompts[0]);
        Assert.Contains("Eibenstock, which is located in", eibenstock.Prompts);
        Assert.Contains("Eibenstock, located in", eibenstock.Prompts);
        Assert.All(records, r => Assert.All(r.Prompts, p => Assert.DoesNotContain("[", p)));
        // Total verified with python3: per fact, the set of object-last patterns filled and cut before [Y].
        Assert.Equal(144_325, records.Sum(r => r.Prompts.Count));
    }

    [Fact]
    public void ListTheOtherObjectsOfTheSameSubjectAsAliases()
    {
        var records = Imported.Value.Dataset.Records;

        Assert.All(records.Where(r => r.Aliases.Count > 0).Take(200), r =>
        {
            Assert.DoesNotContain(r.Answer, r.Aliases);
            foreach (var alias in r.Aliases)
                Assert.Contains(records, o =>
                    o.RelationId == r.RelationId && o.Subject == r.Subject && o.Answer == alias
                );
        });
    }

    [Fact]
    public void ImportDeterministically()
    {
        var again = new ParaRelImporter().Import(RawDatasets.ParaRel);

        Assert.Equal(Imported.Value.Dataset.ContentHash(), again.Dataset.ContentHash());
    }
}
