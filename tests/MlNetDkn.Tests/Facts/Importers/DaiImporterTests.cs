using System.Text.Json;
using System.Text.RegularExpressions;
using MlNetDkn.Facts.Importers;

namespace MlNetDkn.Tests.Facts.Importers;

public class DaiImporterTests
{
    static readonly Lazy<FactImportResult> Imported = new(() => new DaiImporter().Import(RawDatasets.Dai));
    static readonly Regex ObjectLast = new(@"\[Y\]\s*\.?\s*$");

    [Fact]
    public void KeepPairsOfRelationsWhoseLamaTemplateEndsWithTheObject()
    {
        // Independent count: pairs per relation from the raw JSON, split by a regex on the LAMA template.
        var templates = RawDatasets
            .JsonLines(Path.Combine(RawDatasets.Dai, DaiImporter.TemplatesFile))
            .ToDictionary(t => t.Str("relation"), t => t.Str("template"));
        using var pairs = JsonDocument.Parse(File.ReadAllText(Path.Combine(RawDatasets.Dai, DaiImporter.PairsFile)));
        var perRelation = pairs.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetArrayLength());
        var usable = perRelation.Where(p => ObjectLast.IsMatch(templates[p.Key])).ToList();

        var report = Imported.Value.Report;

        Assert.Equal(27_738, perRelation.Values.Sum());
        Assert.Equal(34, perRelation.Count);
        Assert.Equal(6, report.DroppedCount("relations", DaiImporter.DropNotObjectLast));
        Assert.Equal(
            perRelation.Values.Sum() - usable.Sum(p => p.Value),
            report.DroppedCount("facts", DaiImporter.DropNotObjectLast)
        );
        Assert.Equal(5_275, report.DroppedCount("facts", DaiImporter.DropNotObjectLast));
        // 18 repeated (relation, subject, object) pairs among the kept relations; python3 set() count agrees.
        Assert.Equal(18, report.DroppedCount("facts", DaiImporter.DropDuplicate));
        Assert.Equal(usable.Sum(p => p.Value) - 18, report.Facts);
        Assert.Equal(22_445, report.Facts);
        Assert.Equal(28, report.Relations);
    }

    [Fact]
    public void FillTheTemplateAndKeepTheSourceIndexInTheId()
    {
        var first = Imported.Value.Dataset.Records[0];

        Assert.Equal("dai:P159:0", first.FactId);
        Assert.Equal(["The headquarter of Chandos Records is in"], first.Prompts);
        Assert.Equal("Colchester", first.Answer);
        Assert.Equal("dai", first.Source);
    }
}
